package org.cmsbroker.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CachingSigningKeyStoreTest {

  private final MutableClock clock = MutableClock.atStart();
  private final InMemorySigningKeyStore shared = new InMemorySigningKeyStore();
  private final CachingSigningKeyStore cache =
      new CachingSigningKeyStore(shared, Duration.ofSeconds(30), clock);
  private final SigningKeyGenerator generator = new SigningKeyGenerator();

  @Test
  void keysAddedByAnotherInstanceAppearOnceTheCacheIsStale() {
    assertEquals(0, cache.findAll().size());
    shared.add(generator.generate(SigningAlgorithm.ES256, clock.instant()));

    assertEquals(0, cache.findAll().size());
    clock.advance(Duration.ofSeconds(31));
    assertEquals(1, cache.findAll().size());
  }

  @Test
  void ownWritesAreSeenAtOnce() {
    SigningKey key = generator.generate(SigningAlgorithm.ES256, clock.instant());
    cache.findAll();

    cache.add(key);
    assertEquals(1, cache.findAll().size());

    cache.remove(key.keyId());
    assertEquals(0, cache.findAll().size());
  }
}
