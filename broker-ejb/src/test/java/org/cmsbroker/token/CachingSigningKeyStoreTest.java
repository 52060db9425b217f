package org.cmsbroker.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void keyMadeOnAnotherInstanceIsFoundByItsKidBeforeTheCacheExpires() {
    CachingSigningKeyStore other =
        new CachingSigningKeyStore(shared, Duration.ofSeconds(30), clock);
    SigningKeyRing here =
        new SigningKeyRing(cache, generator, Duration.ofDays(30), Duration.ofMinutes(15), clock);
    SigningKeyRing there =
        new SigningKeyRing(other, generator, Duration.ofDays(30), Duration.ofMinutes(15), clock);
    here.rotateIfDue();
    there.publicJwks();
    SigningKey made = here.rotateNow(SigningAlgorithm.ES256);
    clock.advance(Duration.ofSeconds(2));

    assertTrue(there.findPublished(made.keyId()).isPresent(), "an unknown kid re-reads the keys");
    assertTrue(there.publicJwks().getKeyByKeyId(made.keyId()) != null);
  }

  @Test
  void announcedWriteMakesTheOtherInstanceReadAgainAtOnce() {
    CachingSigningKeyStore other =
        new CachingSigningKeyStore(shared, Duration.ofSeconds(30), clock);
    CachingSigningKeyStore announcing =
        new CachingSigningKeyStore(shared, Duration.ofSeconds(30), clock, other::invalidate);
    assertEquals(0, other.findAll().size());

    announcing.add(generator.generate(SigningAlgorithm.ES256, clock.instant()));

    assertEquals(1, other.findAll().size());
  }
}
