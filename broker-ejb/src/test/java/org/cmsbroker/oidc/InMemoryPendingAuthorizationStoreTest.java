package org.cmsbroker.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InMemoryPendingAuthorizationStoreTest {
  private final OidcFakes.MovableClock clock = new OidcFakes.MovableClock();
  private final InMemoryPendingAuthorizationStore store =
      new InMemoryPendingAuthorizationStore(3, clock);

  private PendingAuthorization entry(String id) {
    return new PendingAuthorization(
        id, "binding", "site", "q", clock.instant(), null, clock.instant().plusSeconds(60));
  }

  @Test
  void theStoreNeverHoldsMoreThanItsCapacity() {
    for (int i = 0; i < 1000; i++) {
      store.put(entry("id" + i));
    }
    assertEquals(3, store.size());
    assertTrue(store.find("id999").isPresent(), "the newest is kept");
    assertTrue(store.find("id0").isEmpty(), "the oldest made room");
  }

  @Test
  void expiredEntriesAreGoneAndMakeRoomFirst() {
    store.put(entry("old"));
    clock.now = clock.now.plus(Duration.ofSeconds(61));
    assertTrue(store.find("old").isEmpty());
    store.put(entry("a"));
    store.put(entry("b"));
    store.put(entry("c"));
    assertTrue(store.find("a").isPresent());
  }

  @Test
  void twoSimultaneousTakesHaveOneWinner() throws Exception {
    store.put(entry("once"));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      AtomicInteger winners = new AtomicInteger();
      Callable<Void> take =
          () -> {
            if (store.take("once").isPresent()) {
              winners.incrementAndGet();
            }
            return null;
          };
      Future<Void> a = pool.submit(take);
      Future<Void> b = pool.submit(take);
      a.get();
      b.get();
      assertEquals(1, winners.get());
    } finally {
      pool.shutdownNow();
    }
  }
}
