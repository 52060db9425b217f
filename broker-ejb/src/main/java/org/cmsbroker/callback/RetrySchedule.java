package org.cmsbroker.callback;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try a failed callback again: exponential backoff with full jitter (a uniformly random
 * delay between zero and a ceiling that doubles with each attempt from {@code base} up to {@code
 * cap}), for at most {@code window} after the message was made (or last replayed). Full jitter
 * keeps many messages that failed together, for example while the CRM was down, from coming back
 * together. Immutable and thread-safe (as thread-safe as the random source given to it).
 */
public final class RetrySchedule {
  /** 30 s doubling to 6 h, for 3 days. */
  public static final RetrySchedule DEFAULT =
      new RetrySchedule(Duration.ofSeconds(30), Duration.ofHours(6), Duration.ofDays(3));

  /** {@link #DEFAULT} with another first ceiling {@code base} (at most the 6 h cap). */
  public static RetrySchedule withBase(Duration base) {
    return new RetrySchedule(base, DEFAULT.cap, DEFAULT.window);
  }

  private final Duration base;
  private final Duration cap;
  private final Duration window;

  public RetrySchedule(Duration base, Duration cap, Duration window) {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0 || window.isNegative()) {
      throw new IllegalArgumentException("retry schedule needs 0 < base <= cap and window >= 0");
    }
    this.base = base;
    this.cap = cap;
    this.window = window;
  }

  /** The largest delay after the {@code attempts}-th failed attempt (1 for the first failure). */
  public Duration ceiling(int attempts) {
    int doublings = Math.max(0, attempts - 1);
    // Past 2^20 any sane base is beyond any sane cap; stop before the shift overflows.
    if (doublings >= 20) {
      return cap;
    }
    Duration ceiling = base.multipliedBy(1L << doublings);
    return ceiling.compareTo(cap) > 0 ? cap : ceiling;
  }

  /**
   * The time of the next attempt after the {@code attempts}-th failed one, or empty when the
   * message should be given up because its window has closed.
   *
   * @param windowStart when the message was made, or replayed if later
   */
  public Optional<Instant> next(
      int attempts, Instant windowStart, Instant now, RandomGenerator random) {
    Instant deadline = windowStart.plus(window);
    if (!now.isBefore(deadline)) {
      return Optional.empty();
    }
    long ceilingMillis = ceiling(attempts).toMillis();
    Instant next = now.plusMillis(random.nextLong(ceilingMillis + 1));
    // One last attempt right at the deadline rather than none beyond it.
    return Optional.of(next.isAfter(deadline) ? deadline : next);
  }

  public Duration window() {
    return window;
  }
}
