package org.cmsbroker.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWK;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
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

  /** A ring on its own cache of the shared store, as one instance has; the grid never tells it. */
  private SigningKeyRing instance(Duration lead) {
    return new SigningKeyRing(
        new CachingSigningKeyStore(shared, SigningKeys.KEY_CACHE_AGE, clock),
        generator,
        Duration.ofDays(30),
        Duration.ofMinutes(15),
        lead,
        clock);
  }

  private static Set<String> published(SigningKeyRing ring) {
    return ring.publicJwks().getKeys().stream().map(JWK::getKeyID).collect(Collectors.toSet());
  }

  @Test
  void anInstanceThatMissedTheAnnouncementNeverSeesATokenSignedWithAKeyItDoesNotPublish() {
    SigningKeyRing a = instance(SigningKeys.PUBLICATION_LEAD);
    SigningKeyRing b = instance(SigningKeys.PUBLICATION_LEAD);
    a.rotateIfDue();
    clock.advance(Duration.ofMinutes(1));
    // B has just read the keys: its copy stays stale for the whole cache age.
    assertEquals(a.current(SigningAlgorithm.ES256), b.current(SigningAlgorithm.ES256));

    SigningKey next = a.rotateNow(SigningAlgorithm.ES256);
    assertFalse(published(b).contains(next.keyId()), "B has not read the new key yet");

    for (int second = 0; second <= 120; second++) {
      for (SigningKeyRing signer : List.of(a, b)) {
        String kid = signer.current(SigningAlgorithm.ES256).keyId();
        for (SigningKeyRing publisher : List.of(a, b)) {
          assertTrue(published(publisher).contains(kid), "at " + second + " s: " + kid);
        }
      }
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(next, a.current(SigningAlgorithm.ES256));
    assertEquals(next, b.current(SigningAlgorithm.ES256));
  }

  @Test
  void withoutALeadAKeyWouldSignBeforeAnInstanceThatMissedTheAnnouncementPublishesIt() {
    SigningKeyRing a = instance(Duration.ZERO);
    SigningKeyRing b = instance(Duration.ZERO);
    a.rotateIfDue();
    clock.advance(Duration.ofMinutes(1));
    b.current(SigningAlgorithm.ES256);

    SigningKey next = a.rotateNow(SigningAlgorithm.ES256);

    assertEquals(next, a.current(SigningAlgorithm.ES256));
    assertFalse(published(b).contains(next.keyId()), "what the lead prevents");
  }

  @Test
  void thePublicationLeadOutlastsTheKeyCache() {
    assertTrue(SigningKeys.PUBLICATION_LEAD.compareTo(SigningKeys.KEY_CACHE_AGE) > 0);
    assertEquals(Duration.ofSeconds(45), SigningKeys.PUBLICATION_LEAD);
    assertTrue(
        SigningKeys.PUBLICATION_LEAD.compareTo(SigningKeys.JWKS_MAX_AGE.plusSeconds(10)) >= 0,
        "a relying party that fetched the JWKS just before a rotation fetches it again in time");
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
