package org.cmsbroker.login;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Failed logins for one account or one client address, as the {@link LoginThrottle} keeps them, and
 * the attempts being checked right now. Immutable.
 *
 * @param consecutiveFailures failures since the last success (or since a quiet window)
 * @param lastFailure the latest failure; {@link Instant#EPOCH} if none
 * @param recentFailures the latest failures, oldest first, at most as many as the limit per window
 * @param inFlight attempts that reserved a slot and whose password check has not ended yet
 * @param inFlightSince when the latest of those reserved it ({@link Instant#EPOCH} if none): slots
 *     older than {@link LoginThrottle#STALE_RESERVATION} are abandoned (a crashed request)
 */
public record FailureHistory(
    int consecutiveFailures,
    Instant lastFailure,
    List<Instant> recentFailures,
    int inFlight,
    Instant inFlightSince) {

  /** No failures. */
  public static final FailureHistory NONE = new FailureHistory(0, Instant.EPOCH, List.of());

  public FailureHistory {
    Objects.requireNonNull(lastFailure, "lastFailure");
    Objects.requireNonNull(inFlightSince, "inFlightSince");
    recentFailures = List.copyOf(recentFailures);
    inFlight = Math.max(0, inFlight);
  }

  /** Failures only, nothing in flight. */
  public FailureHistory(
      int consecutiveFailures, Instant lastFailure, List<Instant> recentFailures) {
    this(consecutiveFailures, lastFailure, recentFailures, 0, Instant.EPOCH);
  }

  /**
   * This history plus a failure at {@code now}: failures older than {@code window} are dropped, and
   * the streak starts again if the previous failure is that old.
   */
  FailureHistory plusFailure(Instant now, Duration window, int keep) {
    Instant cutoff = now.minus(window);
    List<Instant> recent = new ArrayList<>(keep + 1);
    for (Instant t : recentFailures) {
      if (t.isAfter(cutoff)) {
        recent.add(t);
      }
    }
    recent.add(now);
    while (recent.size() > keep) {
      recent.remove(0);
    }
    int streak = lastFailure.isAfter(cutoff) ? consecutiveFailures + 1 : 1;
    return new FailureHistory(streak, now, recent, inFlight, inFlightSince);
  }

  /** The attempts in flight at {@code now}, not counting abandoned ones. */
  int inFlightAt(Instant now, Duration stale) {
    return inFlight > 0 && inFlightSince.plus(stale).isAfter(now) ? inFlight : 0;
  }

  /** This history with {@code count} attempts in flight, the latest reserved at {@code since}. */
  FailureHistory withInFlight(int count, Instant since) {
    return new FailureHistory(
        consecutiveFailures,
        lastFailure,
        recentFailures,
        count,
        count == 0 ? Instant.EPOCH : since);
  }

  /** This history with one attempt fewer in flight. */
  FailureHistory minusInFlight() {
    return withInFlight(inFlight - 1, inFlightSince);
  }

  /** The latest failure or reservation. */
  public Instant lastActivity() {
    return lastFailure.isAfter(inFlightSince) ? lastFailure : inFlightSince;
  }

  /** Number of failures after {@code cutoff}. */
  int failuresAfter(Instant cutoff) {
    int n = 0;
    for (Instant t : recentFailures) {
      if (t.isAfter(cutoff)) {
        n++;
      }
    }
    return n;
  }
}
