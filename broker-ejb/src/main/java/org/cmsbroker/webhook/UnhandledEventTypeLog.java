package org.cmsbroker.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides when Stripe events of types the broker does not handle are worth a log line: the first at
 * once, then at most one line per {@link #INTERVAL}, each counting the events since the line before
 * and naming their types (at most {@link #MAX_TYPES}). A Stripe endpoint that sends every event
 * type thus costs one line a minute, not one per event; {@code broker.jar admin stripe-events} has
 * the full counts. Thread-safe.
 */
final class UnhandledEventTypeLog {
  static final Duration INTERVAL = Duration.ofMinutes(1);
  static final int MAX_TYPES = 10;

  private final Set<String> types = new TreeSet<>();
  private boolean moreTypes;
  private long count;
  private Instant lastLogged;

  /** Counts one event of the unhandled {@code type} at {@code now}; the line to log now, if due. */
  synchronized Optional<String> record(String type, Instant now) {
    count++;
    String printable = type.replaceAll("[\\p{Cntrl}\\p{Cf}\\p{Zl}\\p{Zp}]", "?");
    if (types.size() < MAX_TYPES) {
      types.add(printable);
    } else if (!types.contains(printable)) {
      moreTypes = true;
    }
    if (lastLogged != null && now.isBefore(lastLogged.plus(INTERVAL))) {
      return Optional.empty();
    }
    String names = String.join(", ", types) + (moreTypes ? ", ..." : "");
    String line =
        "Stripe sent "
            + count
            + (count == 1 ? " event of type [" : " events of types [")
            + names
            + "] the broker does not handle; configure the endpoint's events (see README)";
    lastLogged = now;
    count = 0;
    types.clear();
    moreTypes = false;
    return Optional.of(line);
  }
}
