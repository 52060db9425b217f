package org.cmsbroker.ratelimit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a client id, an IP address): each key may spend {@code capacity} requests
 * at once and regains them evenly over {@code period}, so {@code capacity} per {@code period} on
 * average. In this JVM's memory: for a single instance ({@link GridRateLimiter} shares buckets
 * between instances).
 *
 * <p>Memory is bounded: at most {@code maxKeys} buckets are kept, the least recently used one is
 * dropped first. A dropped bucket starts full again, so an attacker who churns through more than
 * {@code maxKeys} keys can reset other keys' limits; choose {@code maxKeys} well above the number
 * of keys seen in one {@code period}.
 *
 * <p>Thread-safe. The time source is injectable ({@link System#nanoTime()} in production) so tests
 * can move time.
 */
public final class InMemoryRateLimiter implements RateLimiter {

  private final long capacity;
  private final long nanosPerToken;
  private final int maxKeys;
  private final LongSupplier nanoTime;
  private final LinkedHashMap<String, Bucket> buckets;

  /** A bucket's state; guarded by the limiter's lock. */
  private static final class Bucket {
    /** Tokens times {@link #nanosPerToken}, so refills need no fractions. */
    long credit;

    long updatedAt;

    Bucket(long credit, long updatedAt) {
      this.credit = credit;
      this.updatedAt = updatedAt;
    }
  }

  /**
   * A limiter of {@code capacity} requests per {@code period} per key, on the system's monotonic
   * clock.
   *
   * @throws IllegalArgumentException if {@code capacity} or {@code maxKeys} is below 1 or {@code
   *     period} is not positive
   */
  public InMemoryRateLimiter(int capacity, Duration period, int maxKeys) {
    this(capacity, period, maxKeys, System::nanoTime);
  }

  /**
   * As {@link #InMemoryRateLimiter(int, Duration, int)} with the time source {@code nanoTime}, a
   * monotonic nanosecond counter like {@link System#nanoTime()}.
   */
  public InMemoryRateLimiter(int capacity, Duration period, int maxKeys, LongSupplier nanoTime) {
    if (capacity < 1) {
      throw new IllegalArgumentException("A rate limit allows at least 1 request.");
    }
    if (period == null || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("A rate limit's period is positive.");
    }
    if (maxKeys < 1) {
      throw new IllegalArgumentException("A rate limiter keeps at least 1 key.");
    }
    this.capacity = capacity;
    this.nanosPerToken = Math.max(1, period.toNanos() / capacity);
    this.maxKeys = maxKeys;
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > InMemoryRateLimiter.this.maxKeys;
          }
        };
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public Decision tryAcquire(String key) {
    Objects.requireNonNull(key, "key");
    long now = nanoTime.getAsLong();
    long full = capacity * nanosPerToken;
    synchronized (buckets) {
      Bucket bucket = buckets.get(key);
      if (bucket == null) {
        bucket = new Bucket(full, now);
        buckets.put(key, bucket);
      } else {
        long elapsed = Math.max(0, now - bucket.updatedAt);
        bucket.credit = elapsed >= full - bucket.credit ? full : bucket.credit + elapsed;
        bucket.updatedAt = now;
      }
      if (bucket.credit >= nanosPerToken) {
        bucket.credit -= nanosPerToken;
        return Decision.granted();
      }
      return Decision.refusedFor(nanosPerToken - bucket.credit);
    }
  }

  /** How many keys have a bucket now (at most {@code maxKeys}). */
  public int trackedKeys() {
    synchronized (buckets) {
      return buckets.size();
    }
  }
}
