package org.cmsbroker.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.cmsbroker.token.AccessTokenRejectedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class AccessTokenVerifierTest {

  private static final String ISSUER = "https://broker.example.org";
  private static final String AUDIENCE = ISSUER + "/api";
  private static final Duration LIFETIME = Duration.ofMinutes(5);

  private final MutableClock clock = MutableClock.atStart();
  private final InMemorySigningKeyStore store = new InMemorySigningKeyStore();
  private final SigningKeyRing ring =
      new SigningKeyRing(
          store,
          new SigningKeyGenerator(),
          SigningKeyRing.DEFAULT_ROTATION_PERIOD,
          SigningKeyRing.retirementGraceFor(LIFETIME),
          clock);
  private final TokenSettings settings = TokenSettings.defaultsFor(ISSUER);
  private final TokenIssuer issuer = new TokenIssuer(ring, settings, clock);
  private final AccessTokenVerifier verifier = new AccessTokenVerifier(ring, settings, clock);

  AccessTokenVerifierTest() {
    ring.rotateIfDue();
  }

  private IssuedToken issue() {
    return issuer.issueAccessToken(
        AccessTokenRequest.builder("account-1", "typo3-site")
            .scope(List.of("openid", "email"))
            .authTime(clock.instant())
            .sessionId("sess-7")
            .build());
  }

  private SigningKey es256() {
    return ring.current(SigningAlgorithm.ES256);
  }

  private JWSHeader.Builder header(JWSAlgorithm alg, String kid) {
    return new JWSHeader.Builder(alg).type(TokenIssuer.ACCESS_TOKEN_TYPE).keyID(kid);
  }

  private JWTClaimsSet.Builder claims() {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject("account-1")
        .audience(AUDIENCE)
        .claim("client_id", "typo3-site")
        .jwtID("jti-1")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(LIFETIME)));
  }

  private static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer)
      throws Exception {
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  /** A token made with the broker's own ES256 key and this header and these claims. */
  private String signedByBroker(JWSHeader header, JWTClaimsSet claims) throws Exception {
    return sign(header, claims, es256().signer());
  }

  private String signedByBroker(JWTClaimsSet claims) throws Exception {
    return signedByBroker(header(JWSAlgorithm.ES256, es256().keyId()).build(), claims);
  }

  private void assertRejected(Reason reason, String token) {
    assertRejected(reason, () -> verifier.verify(token));
  }

  private static void assertRejected(Reason reason, Executable verification) {
    AccessTokenRejectedException e = assertThrows(AccessTokenRejectedException.class, verification);
    assertEquals(reason, e.reason());
    assertEquals(reason.message(), e.getMessage());
    assertEquals(null, e.getCause());
  }

  private static ECKey attackerKey(String kid) throws Exception {
    return new ECKeyGenerator(Curve.P_256)
        .keyID(kid)
        .keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.ES256)
        .generate();
  }

  @Test
  void acceptsATokenTheBrokerIssuedAndReturnsItsClaims() throws Exception {
    IssuedToken token = issue();

    VerifiedAccessToken verified = verifier.verify(token.value());

    assertEquals("account-1", verified.subject());
    assertEquals("typo3-site", verified.clientId());
    assertEquals(List.of("openid", "email"), verified.scope());
    assertEquals(token.tokenId(), verified.tokenId());
    assertEquals(token.issuedAt(), verified.issuedAt());
    assertEquals(token.expiresAt(), verified.expiresAt());
    assertEquals(clock.instant(), verified.authTime().orElseThrow());
    assertEquals("sess-7", verified.sessionId().orElseThrow());
  }

  @Test
  void acceptsAnRs256TokenSignedWithTheRs256Key() throws Exception {
    IssuedToken token =
        issuer.issueAccessToken(
            AccessTokenRequest.forClient("civicrm-sync").algorithm(SigningAlgorithm.RS256).build());

    VerifiedAccessToken verified = verifier.verify(token.value());

    assertEquals("civicrm-sync", verified.subject());
    assertTrue(verified.authTime().isEmpty());
    assertTrue(verified.sessionId().isEmpty());
  }

  @Test
  void rejectsGarbage() {
    assertRejected(Reason.MALFORMED, "not-a-jwt");
    assertRejected(Reason.MALFORMED, "a.b.c");
    assertRejected(Reason.MALFORMED, (String) null);
  }

  @Test
  void rejectsAnOversizedToken() {
    assertRejected(Reason.TOO_LARGE, "a".repeat(AccessTokenVerifier.MAX_TOKEN_LENGTH + 1));
  }

  @Test
  void rejectsATamperedPayload() throws Exception {
    String[] parts = issue().value().split("\\.");
    JWTClaimsSet forged =
        new JWTClaimsSet.Builder(JWTClaimsSet.parse(Base64URL.from(parts[1]).decodeToString()))
            .subject("account-2")
            .build();
    String payload = Base64URL.encode(forged.toString()).toString();

    assertRejected(Reason.BAD_SIGNATURE, parts[0] + "." + payload + "." + parts[2]);
  }

  @Test
  void rejectsATamperedSignature() {
    String[] parts = issue().value().split("\\.");
    char[] signature = parts[2].toCharArray();
    signature[10] = signature[10] == 'A' ? 'B' : 'A';

    assertRejected(Reason.BAD_SIGNATURE, parts[0] + "." + parts[1] + "." + new String(signature));
  }

  @Test
  void rejectsAnExpiredToken() {
    String token = issue().value();
    clock.advance(LIFETIME.plus(AccessTokenVerifier.CLOCK_SKEW));

    assertRejected(Reason.EXPIRED, token);
  }

  @Test
  void acceptsATokenJustExpiredWithinTheClockSkew() throws Exception {
    String token = issue().value();
    clock.advance(LIFETIME.plus(AccessTokenVerifier.CLOCK_SKEW).minusSeconds(1));

    verifier.verify(token);
  }

  @Test
  void rejectsATokenNotYetValid() throws Exception {
    Instant soon = clock.instant().plus(Duration.ofMinutes(2));

    assertRejected(
        Reason.NOT_YET_VALID, signedByBroker(claims().notBeforeTime(Date.from(soon)).build()));
  }

  @Test
  void rejectsATokenIssuedInTheFuture() {
    String token = issue().value();
    clock.advance(Duration.ofMinutes(-2));

    assertRejected(Reason.NOT_YET_VALID, token);
  }

  @Test
  void rejectsAWrongIssuer() throws Exception {
    assertRejected(
        Reason.WRONG_ISSUER, signedByBroker(claims().issuer("https://evil.example").build()));
    assertRejected(Reason.WRONG_ISSUER, signedByBroker(claims().issuer(ISSUER + "/").build()));
    assertRejected(Reason.WRONG_ISSUER, signedByBroker(claims().issuer(null).build()));
  }

  @Test
  void rejectsAWrongAudience() throws Exception {
    assertRejected(
        Reason.WRONG_AUDIENCE, signedByBroker(claims().audience("https://other.example").build()));
    assertRejected(Reason.WRONG_AUDIENCE, signedByBroker(claims().audience("typo3-site").build()));
    assertRejected(Reason.WRONG_AUDIENCE, signedByBroker(claims().audience((String) null).build()));
  }

  @Test
  void rejectsATokenForAnotherResource() {
    AccessTokenVerifier otherResource =
        new AccessTokenVerifier(
            ring, new TokenSettings(ISSUER, "https://crm.example.org", LIFETIME, LIFETIME), clock);
    String token = issue().value();

    assertRejected(Reason.WRONG_AUDIENCE, () -> otherResource.verify(token));
  }

  @Test
  void rejectsAlgNone() {
    PlainJWT unsecured =
        new PlainJWT(
            new PlainHeader.Builder()
                .type(TokenIssuer.ACCESS_TOKEN_TYPE)
                .customParam("kid", es256().keyId())
                .build(),
            claims().build());

    assertRejected(Reason.UNSECURED, unsecured.serialize());
  }

  @Test
  void rejectsAlgNoneWithASignaturePart() {
    String[] parts = issue().value().split("\\.");
    String noneHeader =
        Base64URL.encode(
                "{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"" + es256().keyId() + "\"}")
            .toString();

    assertRejected(Reason.MALFORMED, noneHeader + "." + parts[1] + "." + parts[2]);
  }

  @Test
  void rejectsHs256SignedWithThePublicKeyBytes() throws Exception {
    JWK published = ring.publicJwks().getKeyByKeyId(es256().keyId());
    byte[] publicKeyBytes = published.toECKey().toPublicKey().getEncoded();
    String token =
        sign(
            header(JWSAlgorithm.HS256, es256().keyId()).build(),
            claims().build(),
            new MACSigner(publicKeyBytes));

    assertRejected(Reason.WRONG_ALGORITHM, token);
  }

  @Test
  void rejectsHs256SignedWithThePublishedJwkJson() throws Exception {
    JWK published = ring.publicJwks().getKeyByKeyId(es256().keyId());
    String token =
        sign(
            header(JWSAlgorithm.HS256, es256().keyId()).build(),
            claims().build(),
            new MACSigner(published.toJSONString().getBytes(StandardCharsets.UTF_8)));

    assertRejected(Reason.WRONG_ALGORITHM, token);
  }

  @Test
  void rejectsAnRs256HeaderOnAnEs256Key() throws Exception {
    String token =
        sign(
            header(JWSAlgorithm.RS256, es256().keyId()).build(),
            claims().build(),
            ring.current(SigningAlgorithm.RS256).signer());

    assertRejected(Reason.WRONG_ALGORITHM, token);
  }

  @Test
  void rejectsAnEs384HeaderOnAnEs256Key() throws Exception {
    String[] parts = signedByBroker(claims().build()).split("\\.");
    String es384 =
        Base64URL.encode(header(JWSAlgorithm.ES384, es256().keyId()).build().toString()).toString();

    assertRejected(Reason.WRONG_ALGORITHM, es384 + "." + parts[1] + "." + parts[2]);
  }

  @Test
  void rejectsAnUnknownKid() throws Exception {
    ECKey attacker = attackerKey("attacker-key");
    String token =
        sign(
            header(JWSAlgorithm.ES256, "attacker-key").build(),
            claims().build(),
            new ECDSASigner(attacker));

    assertRejected(Reason.UNKNOWN_KEY, token);
  }

  @Test
  void rejectsAMissingKid() throws Exception {
    assertRejected(
        Reason.UNKNOWN_KEY,
        signedByBroker(
            new JWSHeader.Builder(JWSAlgorithm.ES256).type(TokenIssuer.ACCESS_TOKEN_TYPE).build(),
            claims().build()));
  }

  @Test
  void rejectsAnEmbeddedJwkHeader() throws Exception {
    ECKey attacker = attackerKey(es256().keyId());
    String token =
        sign(
            header(JWSAlgorithm.ES256, es256().keyId()).jwk(attacker.toPublicJWK()).build(),
            claims().build(),
            new ECDSASigner(attacker));

    assertRejected(Reason.FORBIDDEN_HEADER, token);
  }

  @Test
  void rejectsAJkuHeader() throws Exception {
    assertRejected(
        Reason.FORBIDDEN_HEADER,
        signedByBroker(
            header(JWSAlgorithm.ES256, es256().keyId())
                .jwkURL(URI.create("https://evil.example/jwks"))
                .build(),
            claims().build()));
  }

  @Test
  void rejectsAnX5uHeader() throws Exception {
    assertRejected(
        Reason.FORBIDDEN_HEADER,
        signedByBroker(
            header(JWSAlgorithm.ES256, es256().keyId())
                .x509CertURL(URI.create("https://evil.example/cert.pem"))
                .build(),
            claims().build()));
  }

  @Test
  void rejectsAnX5cHeader() throws Exception {
    assertRejected(
        Reason.FORBIDDEN_HEADER,
        signedByBroker(
            header(JWSAlgorithm.ES256, es256().keyId())
                .x509CertChain(List.of(Base64.encode("not a certificate")))
                .build(),
            claims().build()));
  }

  @Test
  void rejectsACritHeader() throws Exception {
    assertRejected(
        Reason.FORBIDDEN_HEADER,
        signedByBroker(
            header(JWSAlgorithm.ES256, es256().keyId())
                .criticalParams(Set.of("urn:example:must-understand"))
                .customParam("urn:example:must-understand", true)
                .build(),
            claims().build()));
  }

  @Test
  void rejectsAnIdTokenPresentedAsAccessToken() {
    IssuedToken idToken =
        issuer.issueIdToken(IdTokenRequest.builder("account-1", AUDIENCE, clock.instant()).build());

    assertRejected(Reason.WRONG_TYPE, idToken.value());
  }

  @Test
  void rejectsAWrongOrMissingTyp() throws Exception {
    assertRejected(
        Reason.WRONG_TYPE,
        signedByBroker(
            header(JWSAlgorithm.ES256, es256().keyId()).type(JOSEObjectType.JWT).build(),
            claims().build()));
    assertRejected(
        Reason.WRONG_TYPE,
        signedByBroker(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(es256().keyId()).build(),
            claims().build()));
  }

  @Test
  void acceptsTheFullMediaTypeInTyp() throws Exception {
    verifier.verify(
        signedByBroker(
            header(JWSAlgorithm.ES256, es256().keyId())
                .type(new JOSEObjectType("application/AT+JWT"))
                .build(),
            claims().build()));
  }

  @Test
  void rejectsATokenWithoutClientIdOrJti() throws Exception {
    assertRejected(Reason.MISSING_CLAIM, signedByBroker(claims().claim("client_id", null).build()));
    assertRejected(Reason.MISSING_CLAIM, signedByBroker(claims().jwtID(null).build()));
    assertRejected(Reason.MISSING_CLAIM, signedByBroker(claims().expirationTime(null).build()));
  }

  @Test
  void rejectsAClaimOfTheWrongType() throws Exception {
    assertRejected(Reason.MALFORMED_CLAIMS, signedByBroker(claims().claim("client_id", 7).build()));
  }

  @Test
  void rejectionMessagesCarryNoTokenContent() throws Exception {
    String token = signedByBroker(claims().issuer("https://evil.example").build());

    AccessTokenRejectedException e =
        assertThrows(AccessTokenRejectedException.class, () -> verifier.verify(token));

    assertFalse(e.getMessage().contains("evil"));
    assertFalse(e.getMessage().contains(es256().keyId()));
  }

  @Test
  void tokenSignedUntilTheSuccessorSignsVerifiesUntilItExpiresAndItsKeyThenLeavesTheJwks()
      throws Exception {
    IssuedToken old = issue();
    clock.advance(Duration.ofMinutes(1));
    SigningKey successor = ring.rotateNow(SigningAlgorithm.ES256);
    clock.advance(SigningKeyRing.DEFAULT_PUBLICATION_LEAD.minusMillis(1));
    // The old key signs until the successor's lead is over; its grace counts from then.
    IssuedToken last = issue();
    assertEquals(old.keyId(), last.keyId());
    clock.advance(Duration.ofMillis(1));

    IssuedToken fresh = issue();
    assertEquals(successor.keyId(), fresh.keyId());
    clock.advance(Duration.ofMinutes(3));
    verifier.verify(last.value());
    assertTrue(publishedKids().contains(old.keyId()));

    clock.advance(Duration.ofMinutes(2).plus(AccessTokenVerifier.CLOCK_SKEW));
    assertRejected(Reason.EXPIRED, last.value());
    assertTrue(publishedKids().contains(old.keyId()), "stays published for the whole grace");

    clock.advance(Duration.ofMinutes(5));
    assertFalse(publishedKids().contains(old.keyId()));
    assertRejected(Reason.UNKNOWN_KEY, old.value());
    ring.rotateIfDue();
    assertFalse(store.findAll().stream().anyMatch(k -> k.keyId().equals(old.keyId())));
  }

  @Test
  void tokenSignedBeforeRotationNowStillVerifies() throws Exception {
    IssuedToken old = issue();
    clock.advance(Duration.ofMinutes(1));

    ring.rotateNow(SigningAlgorithm.ES256);
    clock.advance(SigningKeyRing.DEFAULT_PUBLICATION_LEAD);

    assertEquals("account-1", verifier.verify(old.value()).subject());
    assertFalse(old.keyId().equals(issue().keyId()));
  }

  @Test
  void rejectsATokenSignedByAForeignKeyUnderTheBrokersKid() throws Exception {
    ECKey attacker = attackerKey(es256().keyId());

    assertRejected(
        Reason.BAD_SIGNATURE,
        sign(
            header(JWSAlgorithm.ES256, es256().keyId()).build(),
            claims().build(),
            new ECDSASigner(attacker)));
  }

  @Test
  void rejectsAlgNoneEvenWhenTheCacheKnowsTheSignedToken() throws Exception {
    AccessTokenVerifier cached = cachingVerifier();
    IssuedToken token = issue();
    cached.verify(token.value());
    String[] parts = token.value().split("\\.");
    String none =
        Base64URL.encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}").toString() + "." + parts[1] + ".";

    assertRejected(Reason.UNSECURED, () -> cached.verify(none));
  }

  @Test
  void rejectsAJkuHeaderPointingAtTheAttackersKeys() throws Exception {
    ECKey attacker = attackerKey("attacker-key");
    String token =
        sign(
            header(JWSAlgorithm.ES256, "attacker-key")
                .jwkURL(URI.create("https://evil.example/jwks"))
                .build(),
            claims().build(),
            new ECDSASigner(attacker));

    assertRejected(Reason.FORBIDDEN_HEADER, token);
  }

  private AccessTokenVerifier cachingVerifier() {
    return new AccessTokenVerifier(ring, settings, clock, 100);
  }

  @Test
  void aCachedTokenIsAcceptedAgainWithTheSameClaims() throws Exception {
    AccessTokenVerifier cached = cachingVerifier();
    IssuedToken token = issue();

    VerifiedAccessToken first = cached.verify(token.value());
    VerifiedAccessToken second = cached.verify(token.value());

    assertEquals(first, second);
    assertEquals(1, cached.cachedTokens());
  }

  @Test
  void aRefusedTokenIsNeverCached() throws Exception {
    AccessTokenVerifier cached = cachingVerifier();
    String[] parts = issue().value().split("\\.");
    String tampered =
        parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse().toString();

    assertRejected(Reason.BAD_SIGNATURE, () -> cached.verify(tampered));
    assertRejected(
        Reason.WRONG_AUDIENCE,
        () -> cached.verify(signedByBroker(claims().audience("https://other.example").build())));
    assertRejected(
        Reason.WRONG_AUDIENCE,
        () -> cached.verify(signedByBroker(claims().audience("https://other.example").build())));

    assertEquals(0, cached.cachedTokens());
  }

  @Test
  void aCachedTokenIsRefusedOnceItExpires() throws Exception {
    AccessTokenVerifier cached = cachingVerifier();
    String token = issue().value();
    cached.verify(token);

    clock.advance(LIFETIME.plus(AccessTokenVerifier.CLOCK_SKEW));

    assertRejected(Reason.EXPIRED, () -> cached.verify(token));
    assertEquals(0, cached.cachedTokens());
  }

  @Test
  void aCachedTokenIsRefusedOnceItsSigningKeyLeavesTheRing() throws Exception {
    AccessTokenVerifier cached = cachingVerifier();
    IssuedToken token = issue();
    cached.verify(token.value());
    ring.rotateNow(SigningAlgorithm.ES256);

    store.remove(token.keyId());

    assertRejected(Reason.UNKNOWN_KEY, () -> cached.verify(token.value()));
    assertEquals(0, cached.cachedTokens());
  }

  @Test
  void aCachedTokenStaysAcceptedWhileItsRetiredKeyIsStillPublished() throws Exception {
    AccessTokenVerifier cached = cachingVerifier();
    IssuedToken token = issue();
    cached.verify(token.value());

    ring.rotateNow(SigningAlgorithm.ES256);
    clock.advance(Duration.ofMinutes(2));

    assertEquals("account-1", cached.verify(token.value()).subject());
  }

  @Test
  void twoThreadsVerifyingTheSameTokenAtOnceBothGetItsClaims() throws Exception {
    AccessTokenVerifier cached = cachingVerifier();
    String token = issue().value();
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Callable<VerifiedAccessToken> task =
          () -> {
            start.await();
            return cached.verify(token);
          };
      Future<VerifiedAccessToken> a = pool.submit(task);
      Future<VerifiedAccessToken> b = pool.submit(task);

      assertEquals(a.get(), b.get());
      assertEquals(1, cached.cachedTokens());
    } finally {
      pool.shutdownNow();
    }
  }

  private Set<String> publishedKids() {
    return ring.publicJwks().getKeys().stream().map(JWK::getKeyID).collect(Collectors.toSet());
  }
}
