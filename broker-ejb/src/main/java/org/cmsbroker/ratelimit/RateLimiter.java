package org.cmsbroker.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * A token bucket per key (a client id, an IP address): each key may spend {@link #capacity()}
 * requests at once and regains them evenly over the limiter's period. {@link InMemoryRateLimiter}
 * keeps the buckets in this JVM; {@link GridRateLimiter} in the data grid, so several instances
 * share one budget per key. Thread-safe.
 */
public interface RateLimiter {

  /**
   * Whether a request may proceed.
   *
   * @param allowed true when a token was taken
   * @param retryAfter when refused, how long until a token is available (at least one second,
   *     rounded up to whole seconds); {@link Duration#ZERO} when allowed
   */
  public record Decision(boolean allowed, Duration retryAfter) {
    private static final Decision ALLOWED = new Decision(true, Duration.ZERO);

    public Decision {
      Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** A token was taken. */
    public static Decision granted() {
      return ALLOWED;
    }

    /** Refused until {@code waitNanos} have passed: at least one second, rounded up. */
    static Decision refusedFor(long waitNanos) {
      long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
      return new Decision(false, Duration.ofSeconds(seconds));
    }

    /** {@link #retryAfter()} in whole seconds, as the {@code Retry-After} header wants it. */
    public long retryAfterSeconds() {
      return retryAfter.toSeconds();
    }
  }

  /** The number of requests a key may make at once. */
  long capacity();

  /**
   * Takes one token from {@code key}'s bucket if it has one.
   *
   * @param key what is limited, for example {@code "client:cms"} or an IP address; not null
   */
  Decision tryAcquire(String key);
}
