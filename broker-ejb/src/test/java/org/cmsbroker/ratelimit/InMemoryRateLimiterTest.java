package org.cmsbroker.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemoryRateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

  private InMemoryRateLimiter limiter(int perMinute, int maxKeys) {
    return new InMemoryRateLimiter(perMinute, Duration.ofMinutes(1), maxKeys, now::get);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void allowsTheCapacityAtOnceThenRefusesWithRetryAfter() {
    InMemoryRateLimiter limiter = limiter(3, 10);
    for (int i = 0; i < 3; i++) {
      assertTrue(limiter.tryAcquire("a").allowed());
    }
    RateLimiter.Decision refused = limiter.tryAcquire("a");
    assertFalse(refused.allowed());
    assertEquals(20, refused.retryAfterSeconds(), "one token per 20 s at 3 per minute");
  }

  @Test
  void refillsEvenlyOverThePeriod() {
    InMemoryRateLimiter limiter = limiter(6, 10);
    for (int i = 0; i < 6; i++) {
      limiter.tryAcquire("a");
    }
    advance(Duration.ofSeconds(9));
    assertFalse(limiter.tryAcquire("a").allowed());
    advance(Duration.ofSeconds(1));
    assertTrue(limiter.tryAcquire("a").allowed());
    assertFalse(limiter.tryAcquire("a").allowed());
  }

  @Test
  void retryAfterIsRoundedUpToWholeSecondsAndAtLeastOne() {
    InMemoryRateLimiter limiter = limiter(1, 10);
    limiter.tryAcquire("a");
    advance(Duration.ofMillis(59_500));
    assertEquals(1, limiter.tryAcquire("a").retryAfterSeconds());
    advance(Duration.ofMillis(100));
    assertEquals(1, limiter.tryAcquire("a").retryAfterSeconds());
  }

  @Test
  void aLongPauseRefillsOnlyUpToTheCapacity() {
    InMemoryRateLimiter limiter = limiter(2, 10);
    advance(Duration.ofHours(5));
    assertTrue(limiter.tryAcquire("a").allowed());
    assertTrue(limiter.tryAcquire("a").allowed());
    assertFalse(limiter.tryAcquire("a").allowed());
  }

  @Test
  void keysHaveTheirOwnBuckets() {
    InMemoryRateLimiter limiter = limiter(1, 10);
    assertTrue(limiter.tryAcquire("a").allowed());
    assertFalse(limiter.tryAcquire("a").allowed());
    assertTrue(limiter.tryAcquire("b").allowed());
  }

  @Test
  void memoryIsBoundedByDroppingTheLeastRecentlyUsedKey() {
    InMemoryRateLimiter limiter = limiter(1, 2);
    limiter.tryAcquire("a");
    limiter.tryAcquire("b");
    limiter.tryAcquire("a");
    limiter.tryAcquire("c");
    assertEquals(2, limiter.trackedKeys());
    // b was dropped (a was used more recently) and starts full again; a was kept and is empty.
    assertTrue(limiter.tryAcquire("b").allowed());
    assertFalse(limiter.tryAcquire("c").allowed());
  }

  @Test
  void aClockGoingBackwardsAddsNoTokens() {
    InMemoryRateLimiter limiter = limiter(1, 10);
    limiter.tryAcquire("a");
    advance(Duration.ofMinutes(-10));
    assertFalse(limiter.tryAcquire("a").allowed());
  }

  @Test
  void concurrentCallersNeverGetMoreThanTheCapacity() throws Exception {
    InMemoryRateLimiter limiter = limiter(50, 10);
    AtomicInteger allowed = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    for (int i = 0; i < 200; i++) {
      pool.execute(
          () -> {
            try {
              start.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            if (limiter.tryAcquire("shared").allowed()) {
              allowed.incrementAndGet();
            }
          });
    }
    start.countDown();
    pool.shutdown();
    assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
    assertEquals(50, allowed.get());
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> limiter(0, 10));
    assertThrows(IllegalArgumentException.class, () -> limiter(1, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new InMemoryRateLimiter(1, Duration.ZERO, 1, now::get));
    assertThrows(NullPointerException.class, () -> limiter(1, 1).tryAcquire(null));
  }
}
