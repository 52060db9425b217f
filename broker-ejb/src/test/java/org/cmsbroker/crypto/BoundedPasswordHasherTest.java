package org.cmsbroker.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BoundedPasswordHasherTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** A hasher whose every call blocks until released, counting how many run at once. */
  static final class GatedHasher implements PasswordHasher {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    final AtomicInteger started = new AtomicInteger();

    private boolean work() {
      int now = running.incrementAndGet();
      started.incrementAndGet();
      mostAtOnce.accumulateAndGet(now, Math::max);
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        running.decrementAndGet();
      }
      return true;
    }

    @Override
    public String hash(char[] password) {
      work();
      return "h";
    }

    @Override
    public boolean verify(char[] password, String encodedHash) {
      return work();
    }

    @Override
    public boolean needsRehash(String encodedHash) {
      return false;
    }

    @Override
    public boolean verifyDummy(char[] password) {
      work();
      return false;
    }
  }

  private static void awaitStarted(GatedHasher gated, int count) throws InterruptedException {
    for (int i = 0; i < 3000 && gated.started.get() < count; i++) {
      Thread.sleep(10);
    }
    assertEquals(count, gated.started.get());
  }

  @Test
  void neverRunsMoreHashesAtOnceThanItsSlots() throws Exception {
    GatedHasher gated = new GatedHasher();
    BoundedPasswordHasher bounded = new BoundedPasswordHasher(gated, 2, 16, Duration.ofSeconds(30));
    List<Future<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(pool.submit(() -> bounded.verify("pw".toCharArray(), "x")));
    }
    awaitStarted(gated, 2);

    gated.release.countDown();
    for (Future<Boolean> call : calls) {
      assertTrue(call.get(30, TimeUnit.SECONDS));
    }
    assertEquals(2, gated.mostAtOnce.get());
    assertEquals(10, gated.started.get());
  }

  @Test
  void refusesAtOnceWhenTheQueueIsFull() throws Exception {
    GatedHasher gated = new GatedHasher();
    // A long wait allowed, but no place in the queue: the refusal cannot come from a time-out.
    BoundedPasswordHasher bounded = new BoundedPasswordHasher(gated, 1, 0, Duration.ofMinutes(5));
    Future<Boolean> first = pool.submit(() -> bounded.verify("a".toCharArray(), "x"));
    awaitStarted(gated, 1);

    PasswordHashingBusyException refused =
        assertThrows(
            PasswordHashingBusyException.class, () -> bounded.verify("b".toCharArray(), "x"));

    assertEquals(Duration.ofSeconds(1), refused.retryAfter());
    gated.release.countDown();
    assertTrue(first.get(30, TimeUnit.SECONDS));
    assertEquals(1, gated.started.get());
  }

  @Test
  void aCallerThatWaitsTooLongIsRefused() throws Exception {
    GatedHasher gated = new GatedHasher();
    BoundedPasswordHasher bounded = new BoundedPasswordHasher(gated, 1, 4, Duration.ZERO);
    pool.submit(() -> bounded.hash("a".toCharArray()));
    awaitStarted(gated, 1);

    assertThrows(PasswordHashingBusyException.class, () -> bounded.hash("b".toCharArray()));
    gated.release.countDown();
  }

  @Test
  void aSlotIsFreedWhenTheHashFails() {
    PasswordHasher failing =
        new PasswordHasher() {
          @Override
          public String hash(char[] password) {
            throw new IllegalStateException("boom");
          }

          @Override
          public boolean verify(char[] password, String encodedHash) {
            throw new IllegalArgumentException("corrupt hash");
          }

          @Override
          public boolean needsRehash(String encodedHash) {
            return false;
          }

          @Override
          public boolean verifyDummy(char[] password) {
            return false;
          }
        };
    BoundedPasswordHasher bounded = new BoundedPasswordHasher(failing, 1, 0, Duration.ZERO);
    for (int i = 0; i < 3; i++) {
      assertThrows(IllegalArgumentException.class, () -> bounded.verify("p".toCharArray(), "x"));
    }
    assertTrue(!bounded.verifyDummy("p".toCharArray()));
  }
}
