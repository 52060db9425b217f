package org.cmsbroker.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SigningKeyRingTest {

  private static final Duration GRACE = SigningKeyRing.retirementGraceFor(Duration.ofMinutes(5));

  private final MutableClock clock = MutableClock.atStart();
  private final InMemorySigningKeyStore store = new InMemorySigningKeyStore();
  private final SigningKeyRing ring = ringOn(store);

  private SigningKeyRing ringOn(SigningKeyStore store) {
    return new SigningKeyRing(
        store, new SigningKeyGenerator(), SigningKeyRing.DEFAULT_ROTATION_PERIOD, GRACE, clock);
  }

  private static Set<String> kids(JWKSet jwks) {
    return jwks.getKeys().stream().map(JWK::getKeyID).collect(Collectors.toSet());
  }

  @Test
  void currentRefusesBeforeTheFirstKeysAreMade() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ring.current(SigningAlgorithm.ES256));
    assertEquals("No ES256 signing key: call rotateIfDue() at start-up", e.getMessage());
  }

  @Test
  void rotateIfDueMakesOneKeyPerAlgorithm() {
    List<SigningKey> made = ring.rotateIfDue();

    assertEquals(2, made.size());
    assertEquals(SigningAlgorithm.ES256, ring.current(SigningAlgorithm.ES256).algorithm());
    assertEquals(SigningAlgorithm.RS256, ring.current(SigningAlgorithm.RS256).algorithm());
    assertEquals(clock.instant(), ring.current(SigningAlgorithm.ES256).createdAt());
  }

  @Test
  void es256KeyIsAnEcP256SignatureKeyWithKidAndAlg() {
    ring.rotateIfDue();

    JWK jwk = ring.current(SigningAlgorithm.ES256).publicJwk();

    ECKey ec = assertInstanceOf(ECKey.class, jwk);
    assertEquals(Curve.P_256, ec.getCurve());
    assertEquals(KeyUse.SIGNATURE, jwk.getKeyUse());
    assertEquals(JWSAlgorithm.ES256, jwk.getAlgorithm());
    assertTrue(jwk.getKeyID().length() >= 16);
  }

  @Test
  void rs256KeyIsA2048BitRsaSignatureKeyWithKidAndAlg() {
    ring.rotateIfDue();

    JWK jwk = ring.current(SigningAlgorithm.RS256).publicJwk();

    RSAKey rsa = assertInstanceOf(RSAKey.class, jwk);
    assertEquals(2048, rsa.size());
    assertEquals(KeyUse.SIGNATURE, jwk.getKeyUse());
    assertEquals(JWSAlgorithm.RS256, jwk.getAlgorithm());
  }

  @Test
  void keyIdsAreRandom() {
    ring.rotateIfDue();

    assertNotEquals(
        ring.current(SigningAlgorithm.ES256).keyId(), ring.current(SigningAlgorithm.RS256).keyId());
  }

  @Test
  void publicJwksHoldNoPrivatePart() {
    ring.rotateIfDue();
    SigningKey ec = ring.current(SigningAlgorithm.ES256);
    SigningKey rsa = ring.current(SigningAlgorithm.RS256);

    JWKSet jwks = ring.publicJwks();

    assertEquals(2, jwks.getKeys().size());
    for (JWK jwk : jwks.getKeys()) {
      assertFalse(jwk.isPrivate());
      Map<String, Object> json = jwk.toJSONObject();
      for (String privateMember : List.of("d", "p", "q", "dp", "dq", "qi", "oth")) {
        assertFalse(json.containsKey(privateMember), privateMember);
      }
    }
    String published = jwks.toString(false);
    assertFalse(published.contains(ec.privateJwk().toECKey().getD().toString()));
    assertFalse(published.contains(rsa.privateJwk().toRSAKey().getPrivateExponent().toString()));
  }

  @Test
  void signingKeyToStringHidesThePrivateKey() {
    ring.rotateIfDue();
    SigningKey ec = ring.current(SigningAlgorithm.ES256);
    SigningKey rsa = ring.current(SigningAlgorithm.RS256);

    assertFalse(ec.toString().contains(ec.privateJwk().toECKey().getD().toString()));
    assertFalse(
        rsa.toString().contains(rsa.privateJwk().toRSAKey().getPrivateExponent().toString()));
    assertEquals(
        "SigningKey[kid=" + ec.keyId() + ", alg=ES256, createdAt=" + ec.createdAt() + "]",
        ec.toString());
  }

  @Test
  void keysAreNotRegeneratedBeforeTheRotationPeriod() {
    ring.rotateIfDue();
    SigningKey first = ring.current(SigningAlgorithm.ES256);
    clock.advance(Duration.ofDays(29));

    assertTrue(ring.rotateIfDue().isEmpty());
    assertEquals(first, ring.current(SigningAlgorithm.ES256));
    assertEquals(2, store.findAll().size());
  }

  @Test
  void keysRotateAfterThirtyDays() {
    ring.rotateIfDue();
    SigningKey first = ring.current(SigningAlgorithm.ES256);
    clock.advance(Duration.ofDays(30));

    List<SigningKey> made = ring.rotateIfDue();

    assertEquals(2, made.size());
    assertNotEquals(first.keyId(), ring.current(SigningAlgorithm.ES256).keyId());
  }

  @Test
  void retiredKeyStaysInTheJwksForTheGraceThenLeavesAndIsDeleted() {
    ring.rotateIfDue();
    SigningKey old = ring.current(SigningAlgorithm.ES256);
    clock.advance(Duration.ofDays(30));
    ring.rotateIfDue();

    clock.advance(GRACE.minusSeconds(1));
    assertTrue(kids(ring.publicJwks()).contains(old.keyId()));
    assertTrue(ring.findPublished(old.keyId()).isPresent());

    clock.advance(Duration.ofSeconds(1));
    assertFalse(kids(ring.publicJwks()).contains(old.keyId()));
    assertTrue(ring.findPublished(old.keyId()).isEmpty());

    ring.rotateIfDue();
    assertFalse(store.findAll().stream().anyMatch(k -> k.keyId().equals(old.keyId())));
    assertEquals(2, store.findAll().size());
  }

  @Test
  void rotateNowReplacesOnlyThatAlgorithmsKey() {
    ring.rotateIfDue();
    SigningKey oldEc = ring.current(SigningAlgorithm.ES256);
    SigningKey rsa = ring.current(SigningAlgorithm.RS256);

    SigningKey newEc = ring.rotateNow(SigningAlgorithm.ES256);

    assertEquals(newEc, ring.current(SigningAlgorithm.ES256));
    assertNotEquals(oldEc.keyId(), newEc.keyId());
    assertEquals(rsa, ring.current(SigningAlgorithm.RS256));
    assertEquals(Set.of(oldEc.keyId(), newEc.keyId(), rsa.keyId()), kids(ring.publicJwks()));
  }

  @Test
  void rotateNowMakesTheCurrentKeyEvenWhenTheClockHasNotMoved() {
    ring.rotateIfDue();

    for (int i = 0; i < 5; i++) {
      SigningKey made = ring.rotateNow(SigningAlgorithm.ES256);
      assertEquals(made, ring.current(SigningAlgorithm.ES256));
    }
  }

  @Test
  void keysSurviveARestartThroughTheStore() {
    ring.rotateIfDue();
    Set<String> before = kids(ring.publicJwks());

    SigningKeyRing restarted = ringOn(store);

    assertTrue(restarted.rotateIfDue().isEmpty());
    assertEquals(before, kids(restarted.publicJwks()));
    assertEquals(ring.current(SigningAlgorithm.ES256), restarted.current(SigningAlgorithm.ES256));
  }

  @Test
  void unknownOrMissingKidIsNotPublished() {
    ring.rotateIfDue();

    assertTrue(ring.findPublished("no-such-kid").isEmpty());
    assertTrue(ring.findPublished(null).isEmpty());
  }

  @Test
  void refusesAGraceNotShorterThanTheRotationPeriod() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SigningKeyRing(
                    store,
                    new SigningKeyGenerator(),
                    Duration.ofHours(1),
                    Duration.ofHours(1),
                    clock));
    assertEquals(
        "Signing key retirement grace must be shorter than the rotation period", e.getMessage());
  }

  @Test
  void retirementGraceIsTheLongestLifetimePlusFiveMinutes() {
    assertEquals(Duration.ofMinutes(65), SigningKeyRing.retirementGraceFor(Duration.ofHours(1)));
  }

  @Test
  void signingKeyRefusesAnRsaKeyBelow2048Bits() throws Exception {
    RSAKey small =
        new RSAKeyGenerator(1024, true)
            .keyID("k")
            .keyUse(KeyUse.SIGNATURE)
            .algorithm(JWSAlgorithm.RS256)
            .generate();

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SigningKey(small, Instant.EPOCH));
    assertEquals("An RS256 signing key must be an RSA key of at least 2048 bits", e.getMessage());
  }

  @Test
  void signingKeyRefusesAnEcKeyOnAnotherCurve() throws Exception {
    ECKey p384 =
        new ECKeyGenerator(Curve.P_384)
            .keyID("k")
            .keyUse(KeyUse.SIGNATURE)
            .algorithm(JWSAlgorithm.ES256)
            .generate();

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SigningKey(p384, Instant.EPOCH));
    assertEquals("An ES256 signing key must be an EC P-256 key", e.getMessage());
  }

  @Test
  void signingKeyRefusesAKeyWithoutAlgOrForEncryption() throws Exception {
    ECKey noAlg = new ECKeyGenerator(Curve.P_256).keyID("k").keyUse(KeyUse.SIGNATURE).generate();
    ECKey forEncryption =
        new ECKeyGenerator(Curve.P_256)
            .keyID("k")
            .keyUse(KeyUse.ENCRYPTION)
            .algorithm(JWSAlgorithm.ES256)
            .generate();

    assertThrows(IllegalArgumentException.class, () -> new SigningKey(noAlg, Instant.EPOCH));
    assertThrows(
        IllegalArgumentException.class, () -> new SigningKey(forEncryption, Instant.EPOCH));
  }

  @Test
  void signingKeyRefusesAPublicKey() throws Exception {
    ECKey pair =
        new ECKeyGenerator(Curve.P_256)
            .keyID("k")
            .keyUse(KeyUse.SIGNATURE)
            .algorithm(JWSAlgorithm.ES256)
            .generate();

    assertThrows(
        IllegalArgumentException.class, () -> new SigningKey(pair.toPublicJWK(), Instant.EPOCH));
  }
}
