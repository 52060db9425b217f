package org.cmsbroker.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.time.Duration;
import java.util.Map;
import org.cmsbroker.crypto.RsaOaepKeyGenerator;
import org.junit.jupiter.api.Test;

class LoginKeyRingTest {

  private final MutableClock clock = MutableClock.atStart();
  private final InMemoryLoginKeyStore store = new InMemoryLoginKeyStore();
  private final LoginKeyRing ring =
      new LoginKeyRing(
          store, new RsaOaepKeyGenerator(), Duration.ofDays(1), Duration.ofHours(1), clock);

  @Test
  void currentRefusesBeforeTheFirstKeyIsMade() {
    IllegalStateException e = assertThrows(IllegalStateException.class, ring::current);
    assertEquals("No login key: call rotateIfDue() at start-up", e.getMessage());
  }

  @Test
  void rotateIfDueMakesTheFirstKey() {
    LoginKey key = ring.rotateIfDue();

    assertEquals(key, ring.current());
    assertEquals(clock.instant(), key.createdAt());
  }

  @Test
  void publicJwkIsAnRsaOaep256EncryptionKeyWithKidAndNoPrivatePart() throws Exception {
    LoginKey key = ring.rotateIfDue();

    RSAKey jwk = ring.currentPublicJwk();
    Map<String, Object> json = jwk.toJSONObject();

    assertFalse(jwk.isPrivate());
    assertEquals(key.keyId(), jwk.getKeyID());
    assertEquals(KeyUse.ENCRYPTION, jwk.getKeyUse());
    assertEquals(JWEAlgorithm.RSA_OAEP_256, jwk.getAlgorithm());
    assertEquals(3072, jwk.size());
    assertEquals("RSA-OAEP-256", json.get("alg"));
    assertEquals("enc", json.get("use"));
    assertFalse(json.containsKey("d"));
  }

  @Test
  void keyIsNotRegeneratedBeforeTheRotationPeriod() {
    LoginKey first = ring.rotateIfDue();
    clock.advance(Duration.ofHours(23));

    assertSame(first, ring.rotateIfDue());
    assertEquals(1, store.findAll().size());
  }

  @Test
  void keyRotatesDaily() {
    LoginKey first = ring.rotateIfDue();
    clock.advance(Duration.ofDays(1));

    LoginKey second = ring.rotateIfDue();

    assertNotEquals(first.keyId(), second.keyId());
    assertEquals(second, ring.current());
  }

  @Test
  void previousKeyIsAcceptedDuringTheGracePeriod() {
    LoginKey first = ring.rotateIfDue();
    clock.advance(Duration.ofDays(1));
    ring.rotateIfDue();
    clock.advance(Duration.ofMinutes(59));

    assertTrue(ring.findAccepted(first.keyId()).isPresent());
  }

  @Test
  void previousKeyIsRefusedAndDeletedAfterTheGracePeriod() {
    LoginKey first = ring.rotateIfDue();
    clock.advance(Duration.ofDays(1));
    LoginKey second = ring.rotateIfDue();
    clock.advance(Duration.ofHours(1));

    assertTrue(ring.findAccepted(first.keyId()).isEmpty());
    ring.rotateIfDue();
    assertEquals(1, store.findAll().size());
    assertEquals(second, ring.current());
  }

  @Test
  void unknownKidIsNotAccepted() {
    ring.rotateIfDue();

    assertTrue(ring.findAccepted("no-such-kid").isEmpty());
    assertTrue(ring.findAccepted(null).isEmpty());
  }

  @Test
  void loginKeyToStringHidesThePrivateKey() {
    LoginKey key = ring.rotateIfDue();

    assertFalse(key.toString().contains(key.privateJwk().getPrivateExponent().toString()));
  }

  @Test
  void refusesANonPositiveGracePeriod() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new LoginKeyRing(
                store, new RsaOaepKeyGenerator(), Duration.ofDays(1), Duration.ZERO, clock));
  }
}
