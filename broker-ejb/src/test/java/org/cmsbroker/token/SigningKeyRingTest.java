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
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SigningKeyRingTest {

  private static final Duration GRACE = SigningKeyRing.retirementGraceFor(Duration.ofMinutes(5));
  private static final Duration LEAD = SigningKeyRing.DEFAULT_PUBLICATION_LEAD;

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
    clock.advance(LEAD);
    assertNotEquals(first.keyId(), ring.current(SigningAlgorithm.ES256).keyId());
  }

  @Test
  void theFirstKeysSignAtOnce() {
    List<SigningKey> made = ring.rotateIfDue();

    for (SigningKey key : made) {
      assertEquals(key, ring.current(key.algorithm()));
      assertEquals(Optional.of(clock.instant()), ring.signsFrom(key.keyId()));
    }
  }

  @Test
  void aSuccessorIsPublishedAtOnceButSignsOnlyAfterTheLead() {
    ring.rotateIfDue();
    SigningKey old = ring.current(SigningAlgorithm.ES256);
    clock.advance(Duration.ofMinutes(3));

    SigningKey next = ring.rotateNow(SigningAlgorithm.ES256);

    assertTrue(kids(ring.publicJwks()).contains(next.keyId()), "in the JWKS at once");
    assertEquals(next, ring.findPublished(next.keyId()).orElseThrow(), "verifies at once");
    assertEquals(Optional.of(next.createdAt().plus(LEAD)), ring.signsFrom(next.keyId()));
    clock.advance(LEAD.minusMillis(1));
    assertEquals(old, ring.current(SigningAlgorithm.ES256), "the predecessor signs until then");

    clock.advance(Duration.ofMillis(1));
    assertEquals(next, ring.current(SigningAlgorithm.ES256));
  }

  @Test
  void theLeadIsWhateverTheRingWasGiven() {
    SigningKeyRing quick =
        new SigningKeyRing(
            store,
            new SigningKeyGenerator(),
            SigningKeyRing.DEFAULT_ROTATION_PERIOD,
            GRACE,
            Duration.ZERO,
            clock);
    quick.rotateIfDue();
    clock.advance(Duration.ofMinutes(1));

    SigningKey next = quick.rotateNow(SigningAlgorithm.ES256);

    assertEquals(Duration.ZERO, quick.publicationLead());
    assertEquals(next, quick.current(SigningAlgorithm.ES256), "no lead: signs at once");
  }

  @Test
  void scheduleShowsTheNextTheCurrentAndTheRetiredKeyWithTheirTimes() {
    ring.rotateIfDue();
    SigningKey first = ring.current(SigningAlgorithm.ES256);
    clock.advance(Duration.ofMinutes(1));
    SigningKey second = ring.rotateNow(SigningAlgorithm.ES256);
    clock.advance(LEAD);
    SigningKey third = ring.rotateNow(SigningAlgorithm.ES256);

    List<SigningKeyRing.ScheduledKey> es256 =
        ring.schedule().stream()
            .filter(k -> k.key().algorithm() == SigningAlgorithm.ES256)
            .toList();

    assertEquals(
        List.of(
            new SigningKeyRing.ScheduledKey(
                third, SigningKeyRing.Status.NEXT, third.createdAt().plus(LEAD), Optional.empty()),
            new SigningKeyRing.ScheduledKey(
                second,
                SigningKeyRing.Status.CURRENT,
                second.createdAt().plus(LEAD),
                Optional.empty()),
            new SigningKeyRing.ScheduledKey(
                first,
                SigningKeyRing.Status.RETIRED,
                first.createdAt(),
                Optional.of(second.createdAt().plus(LEAD).plus(GRACE)))),
        es256);
    assertEquals(
        List.of(SigningKeyRing.Status.CURRENT),
        ring.schedule().stream()
            .filter(k -> k.key().algorithm() == SigningAlgorithm.RS256)
            .map(SigningKeyRing.ScheduledKey::status)
            .toList());
  }

  @Test
  void twoRotationsWithinTheLeadSignInTurn() {
    ring.rotateIfDue();
    SigningKey first = ring.current(SigningAlgorithm.ES256);
    clock.advance(Duration.ofMinutes(1));
    SigningKey second = ring.rotateNow(SigningAlgorithm.ES256);
    clock.advance(Duration.ofSeconds(10));
    SigningKey third = ring.rotateNow(SigningAlgorithm.ES256);

    assertEquals(first, ring.current(SigningAlgorithm.ES256));
    clock.advance(LEAD.minusSeconds(10));
    assertEquals(second, ring.current(SigningAlgorithm.ES256));
    clock.advance(Duration.ofSeconds(10));
    assertEquals(third, ring.current(SigningAlgorithm.ES256));
    assertEquals(
        Set.of(first.keyId(), second.keyId(), third.keyId()),
        kids(ring.publicJwks()).stream()
            .filter(kid -> !kid.equals(ring.current(SigningAlgorithm.RS256).keyId()))
            .collect(Collectors.toSet()),
        "every key that may have signed stays published");
  }

  @Test
  void theOldestKeySignsEvenWhenAnotherInstancesClockWasAheadWhenItWasMade() {
    SigningKey ahead = new SigningKeyGenerator().generate(SigningAlgorithm.ES256, clock.instant());
    clock.advance(Duration.ofSeconds(-2));
    store.add(ahead);

    assertEquals(ahead, ring.current(SigningAlgorithm.ES256));
  }

  @Test
  void retiredKeyStaysInTheJwksForTheGraceAfterItsSuccessorSignsThenLeavesAndIsDeleted() {
    ring.rotateIfDue();
    SigningKey old = ring.current(SigningAlgorithm.ES256);
    clock.advance(Duration.ofDays(30));
    ring.rotateIfDue();

    clock.advance(LEAD.plus(GRACE).minusSeconds(1));
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
    clock.advance(Duration.ofMinutes(1));

    SigningKey newEc = ring.rotateNow(SigningAlgorithm.ES256);
    clock.advance(LEAD);

    assertEquals(newEc, ring.current(SigningAlgorithm.ES256));
    assertNotEquals(oldEc.keyId(), newEc.keyId());
    assertEquals(rsa, ring.current(SigningAlgorithm.RS256));
    assertEquals(Set.of(oldEc.keyId(), newEc.keyId(), rsa.keyId()), kids(ring.publicJwks()));
  }

  @Test
  void rotateNowMakesTheNextKeyEvenWhenTheClockHasNotMoved() {
    ring.rotateIfDue();

    for (int i = 0; i < 5; i++) {
      SigningKey made = ring.rotateNow(SigningAlgorithm.ES256);
      assertEquals(
          SigningKeyRing.Status.NEXT,
          ring.schedule().stream()
              .filter(k -> k.key().equals(made))
              .findFirst()
              .orElseThrow()
              .status());
      assertEquals(made, ring.schedule().get(0).key(), "the newest");
    }
    // Each was made a millisecond after the one before, so the newest signs that much later.
    clock.advance(LEAD.plusMillis(5));
    assertEquals(ring.schedule().get(0).key(), ring.current(SigningAlgorithm.ES256));
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
  void refusesAGracePlusLeadNotShorterThanTheRotationPeriod() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SigningKeyRing(
                    store,
                    new SigningKeyGenerator(),
                    Duration.ofHours(1),
                    Duration.ofHours(1).minus(LEAD),
                    clock));
    assertEquals(
        "Signing key retirement grace plus publication lead must be shorter than the rotation"
            + " period",
        e.getMessage());
  }

  @Test
  void refusesANegativeLead() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SigningKeyRing(
                    store,
                    new SigningKeyGenerator(),
                    Duration.ofDays(30),
                    GRACE,
                    Duration.ofSeconds(-1),
                    clock));
    assertEquals("Signing key publication lead must not be negative", e.getMessage());
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
