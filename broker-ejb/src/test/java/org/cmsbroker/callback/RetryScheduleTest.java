package org.cmsbroker.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  private static final Instant CREATED = Instant.parse("2025-06-01T08:00:00Z");
  private final RetrySchedule schedule = RetrySchedule.DEFAULT;

  /** A random source that always draws the top of the range asked for. */
  private static final RandomGenerator HIGHEST =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
          return bound - 1;
        }
      };

  @Test
  void ceilingStartsAt30SecondsAndDoublesUpTo6Hours() {
    assertEquals(Duration.ofSeconds(30), schedule.ceiling(1));
    assertEquals(Duration.ofSeconds(60), schedule.ceiling(2));
    assertEquals(Duration.ofSeconds(120), schedule.ceiling(3));
    assertEquals(Duration.ofSeconds(30L << 9), schedule.ceiling(10));
    assertEquals(Duration.ofHours(6), schedule.ceiling(11));
    assertEquals(Duration.ofHours(6), schedule.ceiling(1000));
  }

  @Test
  void fullJitterDrawsDelaysBetweenZeroAndTheCeiling() {
    RandomGenerator random = new SplittableRandom(42);
    long low = Long.MAX_VALUE;
    long high = 0;
    for (int i = 0; i < 2000; i++) {
      Instant next = schedule.next(4, CREATED, CREATED, random).orElseThrow();
      long delay = Duration.between(CREATED, next).toMillis();
      assertTrue(delay >= 0 && delay <= 240_000, "delay " + delay);
      low = Math.min(low, delay);
      high = Math.max(high, delay);
    }
    // Spread over the whole range, not bunched at one end.
    assertTrue(low < 24_000, "lowest " + low);
    assertTrue(high > 216_000, "highest " + high);
  }

  @Test
  void theHighestDrawIsExactlyTheCeiling() {
    Instant next = schedule.next(3, CREATED, CREATED, HIGHEST).orElseThrow();

    assertEquals(CREATED.plusSeconds(120), next);
  }

  @Test
  void noAttemptIsScheduledPastThreeDaysAfterCreation() {
    Instant now = CREATED.plus(Duration.ofDays(3)).minusSeconds(60);

    Optional<Instant> next = schedule.next(30, CREATED, now, HIGHEST);

    assertEquals(Optional.of(CREATED.plus(Duration.ofDays(3))), next);
  }

  @Test
  void aFailureThreeDaysAfterCreationGivesUp() {
    assertFalse(schedule.next(30, CREATED, CREATED.plus(Duration.ofDays(3)), HIGHEST).isPresent());
  }
}
