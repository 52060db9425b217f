package org.cmsbroker.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifiedAccessTokenCacheTest {

  private final MutableClock clock = MutableClock.atStart();
  private final SigningKeyRing ring =
      new SigningKeyRing(
          new InMemorySigningKeyStore(),
          new SigningKeyGenerator(),
          SigningKeyRing.DEFAULT_ROTATION_PERIOD,
          Duration.ofMinutes(10),
          clock);
  private final String keyId;

  VerifiedAccessTokenCacheTest() {
    ring.rotateIfDue();
    keyId = ring.current(SigningAlgorithm.ES256).keyId();
  }

  private VerifiedAccessToken token(String jti, Instant expiresAt) {
    return new VerifiedAccessToken(
        "account-1",
        "site",
        List.of("openid"),
        jti,
        clock.instant(),
        expiresAt,
        Optional.empty(),
        Optional.empty());
  }

  private Instant inFiveMinutes() {
    return clock.instant().plus(Duration.ofMinutes(5));
  }

  @Test
  void neverHoldsMoreThanItsCapacityAndDropsTheLeastRecentlyUsed() {
    VerifiedAccessTokenCache cache = new VerifiedAccessTokenCache(3);
    for (int i = 0; i < 3; i++) {
      cache.put("token-" + i, keyId, token("jti-" + i, inFiveMinutes()), clock.instant());
    }
    cache.find("token-0", clock.instant(), ring);

    for (int i = 3; i < 1000; i++) {
      cache.put("token-" + i, keyId, token("jti-" + i, inFiveMinutes()), clock.instant());
      assertTrue(cache.size() <= 3);
    }

    assertEquals(3, cache.size());
    assertTrue(cache.find("token-1", clock.instant(), ring).isEmpty());
    assertEquals("jti-999", cache.find("token-999", clock.instant(), ring).orElseThrow().tokenId());
  }

  @Test
  void keepsAnEntryUntilTheTokenExpiresAndNoLonger() {
    VerifiedAccessTokenCache cache = new VerifiedAccessTokenCache(10);
    Instant exp = inFiveMinutes();
    cache.put("token", keyId, token("jti", exp), clock.instant());

    assertTrue(cache.find("token", exp.minusMillis(1), ring).isPresent());
    assertTrue(cache.find("token", exp, ring).isEmpty());
    assertEquals(0, cache.size());
  }

  @Test
  void doesNotTakeAnExpiredToken() {
    VerifiedAccessTokenCache cache = new VerifiedAccessTokenCache(10);

    cache.put("token", keyId, token("jti", clock.instant()), clock.instant());

    assertEquals(0, cache.size());
  }

  @Test
  void forgetsATokenWhoseKeyIsNotPublished() {
    VerifiedAccessTokenCache cache = new VerifiedAccessTokenCache(10);

    cache.put("token", "unknown-kid", token("jti", inFiveMinutes()), clock.instant());

    assertTrue(cache.find("token", clock.instant(), ring).isEmpty());
    assertEquals(0, cache.size());
  }

  @Test
  void anotherTokenIsNotFound() {
    VerifiedAccessTokenCache cache = new VerifiedAccessTokenCache(10);
    cache.put("token", keyId, token("jti", inFiveMinutes()), clock.instant());

    assertTrue(cache.find("token2", clock.instant(), ring).isEmpty());
    assertTrue(cache.find("Token", clock.instant(), ring).isEmpty());
  }

  @Test
  void refusesANonPositiveCapacity() {
    assertThrows(IllegalArgumentException.class, () -> new VerifiedAccessTokenCache(0));
  }
}
