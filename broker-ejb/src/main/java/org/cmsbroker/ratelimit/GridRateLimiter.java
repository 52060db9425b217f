package org.cmsbroker.ratelimit;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.cmsbroker.grid.Grid;
import org.cmsbroker.grid.GridCodec;
import org.cmsbroker.grid.GridMap;

/**
 * A {@link RateLimiter} whose buckets live in the data grid, so every instance spends from one
 * budget per key: a card tester spreading requests over the instances gets no more than from one.
 * Each take is a compare-and-set on the key's entry. Time is the wall clock (instances share no
 * monotonic one); a bucket untouched for a whole period is full again, so entries live one period
 * after their latest take. Thread-safe.
 */
public final class GridRateLimiter implements RateLimiter {

  /** A bucket: credit in nanoseconds of refill, as of {@code updatedAt} (epoch nanoseconds). */
  record Bucket(long credit, long updatedAt) {}

  private static final GridCodec<Bucket> CODEC =
      new GridCodec<>() {
        @Override
        public void write(Bucket b, DataOutputStream out) throws IOException {
          out.writeLong(b.credit());
          out.writeLong(b.updatedAt());
        }

        @Override
        public Bucket read(DataInputStream in) throws IOException {
          return new Bucket(in.readLong(), in.readLong());
        }
      };

  private final GridMap<Bucket> buckets;
  private final long capacity;
  private final long nanosPerToken;
  private final Duration period;
  private final Clock clock;

  /**
   * @param name the limiter's own map in the grid, for example {@code payment-creation-client}
   * @throws IllegalArgumentException if {@code capacity} is below 1 or {@code period} is not
   *     positive
   */
  public GridRateLimiter(Grid grid, String name, int capacity, Duration period, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("A rate limit allows at least 1 request.");
    }
    if (period == null || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("A rate limit's period is positive.");
    }
    this.buckets = grid.map("rate." + name, CODEC);
    this.capacity = capacity;
    this.nanosPerToken = Math.max(1, period.toNanos() / capacity);
    this.period = period;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public Decision tryAcquire(String key) {
    Objects.requireNonNull(key, "key");
    Instant instant = clock.instant();
    long now = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    long full = capacity * nanosPerToken;
    Decision[] decision = new Decision[1];
    buckets.update(
        key,
        found -> {
          long credit = full;
          if (found.isPresent()) {
            Bucket b = found.get();
            long elapsed = Math.max(0, now - b.updatedAt());
            credit = elapsed >= full - b.credit() ? full : b.credit() + elapsed;
          }
          if (credit >= nanosPerToken) {
            decision[0] = Decision.granted();
            return Optional.of(new Bucket(credit - nanosPerToken, now));
          }
          decision[0] = Decision.refusedFor(nanosPerToken - credit);
          return Optional.of(new Bucket(credit, now));
        },
        period);
    return decision[0];
  }
}
