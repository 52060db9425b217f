package org.cmsbroker.callback;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One lane per client's callback endpoint: how many of its messages are in flight, and whether it
 * backs off. A lane holds at most {@code parallelism} messages at once. When an attempt finds the
 * endpoint failing (no answer, a 5xx, 408 or 429), the lane closes for a backoff that doubles with
 * each further failure, from {@code base} up to {@code cap}; when it reopens, one message at a time
 * probes the endpoint until one is taken, and then the lane is open in full again. Only that lane
 * waits: the others keep going. An answer that faults the message rather than the endpoint (another
 * 4xx) changes nothing. Lanes live in memory, per broker instance. Thread-safe.
 */
final class DeliveryLanes {
  /** What an attempt said about its endpoint. */
  enum Verdict {
    /** The endpoint took the message. */
    SUCCESS,
    /** No answer, or an answer that says the endpoint cannot take messages now. */
    ENDPOINT_FAILURE,
    /** An answer about this message only (or no attempt at all). */
    NEUTRAL
  }

  /** The first backoff of a failing endpoint. */
  static final Duration BASE = Duration.ofSeconds(1);

  /** The longest backoff of a failing endpoint. */
  static final Duration CAP = Duration.ofMinutes(1);

  private static final class Lane {
    int inFlight;
    int failures;
    Instant closedUntil;
  }

  private final int parallelism;
  private final Duration base;
  private final Duration cap;
  private final Clock clock;
  private final Map<String, Lane> lanes = new HashMap<>();

  /**
   * @param parallelism messages in flight at once per endpoint, at least 1
   */
  DeliveryLanes(int parallelism, Duration base, Duration cap, Clock clock) {
    if (parallelism < 1 || base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("lanes need parallelism >= 1 and 0 < base <= cap");
    }
    this.parallelism = parallelism;
    this.base = base;
    this.cap = cap;
    this.clock = clock;
  }

  /** The verdict on an endpoint of one attempt's {@code outcome}. */
  static Verdict verdict(DeliveryOutcome outcome) {
    if (outcome instanceof DeliveryOutcome.Delivered) {
      return Verdict.SUCCESS;
    }
    if (outcome instanceof DeliveryOutcome.Retry retry) {
      Integer status = retry.statusCode();
      if (status == null || status >= 500 || status == 408 || status == 429) {
        return Verdict.ENDPOINT_FAILURE;
      }
    }
    return Verdict.NEUTRAL;
  }

  /** How many more messages of {@code clientId} may be sent now. */
  synchronized int room(String clientId) {
    Lane lane = lanes.get(clientId);
    return lane == null ? parallelism : room(lane, clock.instant());
  }

  private int room(Lane lane, Instant now) {
    if (lane.closedUntil != null && now.isBefore(lane.closedUntil)) {
      return 0;
    }
    int width = lane.failures > 0 ? 1 : parallelism;
    return Math.max(0, width - lane.inFlight);
  }

  /**
   * The limits of the next claim: at most {@code total} messages, and per client the room its lane
   * has.
   */
  synchronized ClaimLimits limits(int total) {
    Instant now = clock.instant();
    Map<String, Integer> room = new HashMap<>();
    for (Map.Entry<String, Lane> e : lanes.entrySet()) {
      int r = room(e.getValue(), now);
      if (r < parallelism) {
        room.put(e.getKey(), r);
      }
    }
    return new ClaimLimits(total, parallelism, room);
  }

  /** A message of {@code clientId} goes out now. */
  synchronized void start(String clientId) {
    lanes.computeIfAbsent(clientId, c -> new Lane()).inFlight++;
  }

  /** A message of {@code clientId} came back with {@code verdict}. */
  synchronized void finish(String clientId, Verdict verdict) {
    Lane lane = lanes.get(clientId);
    if (lane == null || lane.inFlight == 0) {
      throw new IllegalStateException("no message of this client is in flight");
    }
    lane.inFlight--;
    switch (verdict) {
      case SUCCESS -> {
        lane.failures = 0;
        lane.closedUntil = null;
      }
      case ENDPOINT_FAILURE -> {
        lane.failures++;
        lane.closedUntil = clock.instant().plus(backoff(lane.failures));
      }
      case NEUTRAL -> {}
    }
    if (lane.inFlight == 0 && lane.failures == 0) {
      lanes.remove(clientId);
    }
  }

  /** The backoff after the {@code failures}-th failure in a row (1 for the first). */
  Duration backoff(int failures) {
    int doublings = Math.min(failures - 1, 20);
    Duration d = base.multipliedBy(1L << doublings);
    return d.compareTo(cap) > 0 ? cap : d;
  }

  /** When the earliest closed lane opens again; empty when none is closed. */
  synchronized Optional<Instant> nextOpening() {
    Instant now = clock.instant();
    return lanes.values().stream()
        .map(l -> l.closedUntil)
        .filter(t -> t != null && now.isBefore(t))
        .min(Instant::compareTo);
  }

  /** Messages in flight, all lanes together. */
  synchronized int inFlight() {
    return lanes.values().stream().mapToInt(l -> l.inFlight).sum();
  }
}
