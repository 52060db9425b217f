package org.cmsbroker.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenIssuerTest {

  private static final String ISSUER = "https://broker.example.org";

  private final MutableClock clock = MutableClock.atStart();
  private final SigningKeyRing ring =
      new SigningKeyRing(
          new InMemorySigningKeyStore(),
          new SigningKeyGenerator(),
          SigningKeyRing.DEFAULT_ROTATION_PERIOD,
          SigningKeyRing.retirementGraceFor(Duration.ofMinutes(5)),
          clock);
  private final TokenIssuer issuer =
      new TokenIssuer(ring, TokenSettings.defaultsFor(ISSUER + "/"), clock);
  private final Instant loginTime = clock.instant().minusSeconds(30);

  TokenIssuerTest() {
    ring.rotateIfDue();
  }

  /** Parses and checks the signature with the published key, independently of the broker's code. */
  private SignedJWT verifiedWithJwks(IssuedToken token) throws Exception {
    SignedJWT jwt = SignedJWT.parse(token.value());
    JWK jwk = ring.publicJwks().getKeyByKeyId(jwt.getHeader().getKeyID());
    boolean valid =
        jwk.getAlgorithm().equals(JWSAlgorithm.ES256)
            ? jwt.verify(new ECDSAVerifier(jwk.toECKey()))
            : jwt.verify(new RSASSAVerifier(jwk.toRSAKey()));
    assertTrue(valid, "signature verifies with the JWKS key");
    return jwt;
  }

  private IdTokenRequest.Builder idRequest() {
    return IdTokenRequest.builder("account-1", "typo3-site", loginTime);
  }

  @Test
  void idTokenCarriesTheOpenIdConnectClaims() throws Exception {
    IssuedToken token =
        issuer.issueIdToken(idRequest().nonce("n-0S6_WzA2Mj").sessionId("sess-7").build());

    SignedJWT jwt = verifiedWithJwks(token);
    JWTClaimsSet claims = jwt.getJWTClaimsSet();

    assertEquals(ISSUER, claims.getIssuer());
    assertEquals("account-1", claims.getSubject());
    assertEquals(List.of("typo3-site"), claims.getAudience());
    assertEquals("typo3-site", claims.getStringClaim("azp"));
    assertEquals(Date.from(clock.instant()), claims.getIssueTime());
    assertEquals(
        Date.from(clock.instant().plus(Duration.ofMinutes(5))), claims.getExpirationTime());
    assertEquals(loginTime.getEpochSecond(), claims.getLongClaim("auth_time"));
    assertEquals("n-0S6_WzA2Mj", claims.getStringClaim("nonce"));
    assertEquals("sess-7", claims.getStringClaim("sid"));
    assertNull(claims.getClaim("at_hash"));
    assertEquals(token.tokenId(), claims.getJWTID());
    assertEquals(clock.instant().plus(Duration.ofMinutes(5)), token.expiresAt());
  }

  @Test
  void idTokenIsEs256WithKidAndTypJwtByDefault() throws Exception {
    SignedJWT jwt = verifiedWithJwks(issuer.issueIdToken(idRequest().build()));

    assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
    assertEquals(JOSEObjectType.JWT, jwt.getHeader().getType());
    assertEquals(ring.current(SigningAlgorithm.ES256).keyId(), jwt.getHeader().getKeyID());
  }

  @Test
  void idTokenIsRs256WhenTheClientChoseIt() throws Exception {
    IssuedToken token = issuer.issueIdToken(idRequest().algorithm(SigningAlgorithm.RS256).build());

    SignedJWT jwt = verifiedWithJwks(token);

    assertEquals(JWSAlgorithm.RS256, jwt.getHeader().getAlgorithm());
    assertEquals(ring.current(SigningAlgorithm.RS256).keyId(), token.keyId());
  }

  @Test
  void idTokenOmitsNonceAndSidWhenNotGiven() throws Exception {
    JWTClaimsSet claims =
        verifiedWithJwks(issuer.issueIdToken(idRequest().build())).getJWTClaimsSet();

    assertNull(claims.getClaim("nonce"));
    assertNull(claims.getClaim("sid"));
    assertNull(claims.getClaim("email"));
    assertNull(claims.getClaim("roles"));
  }

  @Test
  void idTokenCarriesProfileClaimsAndRolesUnderTheClientsClaimName() throws Exception {
    IdTokenRequest request =
        idRequest()
            .email("ada@example.org", true)
            .preferredUsername("ada")
            .name("Ada Lovelace")
            .givenName("Ada")
            .familyName("Lovelace")
            .rolesClaim("groups")
            .roles(List.of("editor", "member"))
            .build();

    JWTClaimsSet claims = verifiedWithJwks(issuer.issueIdToken(request)).getJWTClaimsSet();

    assertEquals("ada@example.org", claims.getStringClaim("email"));
    assertEquals(Boolean.TRUE, claims.getBooleanClaim("email_verified"));
    assertEquals("ada", claims.getStringClaim("preferred_username"));
    assertEquals("Ada Lovelace", claims.getStringClaim("name"));
    assertEquals("Ada", claims.getStringClaim("given_name"));
    assertEquals("Lovelace", claims.getStringClaim("family_name"));
    assertEquals(List.of("editor", "member"), claims.getStringListClaim("groups"));
    assertNull(claims.getClaim("roles"));
  }

  @Test
  void rolesGoUnderRolesByDefault() throws Exception {
    JWTClaimsSet claims =
        verifiedWithJwks(issuer.issueIdToken(idRequest().roles(List.of("admin")).build()))
            .getJWTClaimsSet();

    assertEquals(List.of("admin"), claims.getStringListClaim("roles"));
  }

  @Test
  void idTokenAtHashIsTheLeftHalfOfTheAccessTokensSha256() throws Exception {
    IssuedToken accessToken =
        issuer.issueAccessToken(AccessTokenRequest.builder("account-1", "typo3-site").build());
    byte[] digest =
        MessageDigest.getInstance("SHA-256")
            .digest(accessToken.value().getBytes(StandardCharsets.US_ASCII));
    String expected =
        Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));

    JWTClaimsSet claims =
        verifiedWithJwks(issuer.issueIdToken(idRequest().accessToken(accessToken.value()).build()))
            .getJWTClaimsSet();

    assertEquals(expected, claims.getStringClaim("at_hash"));
  }

  @Test
  void rolesClaimMayNotOverwriteAClaimTheBrokerSets() {
    for (String reserved : List.of("sub", "aud", "iss", "email", "nonce", "sid")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> idRequest().rolesClaim(reserved).build());
      assertEquals(
          "The roles claim name must not be blank or a claim the broker sets itself",
          e.getMessage());
    }
  }

  @Test
  void accessTokenFollowsRfc9068() throws Exception {
    IssuedToken token =
        issuer.issueAccessToken(
            AccessTokenRequest.builder("account-1", "typo3-site")
                .scope(List.of("openid", "profile", "email"))
                .authTime(loginTime)
                .sessionId("sess-7")
                .build());

    SignedJWT jwt = verifiedWithJwks(token);
    JWTClaimsSet claims = jwt.getJWTClaimsSet();

    assertEquals(new JOSEObjectType("at+jwt"), jwt.getHeader().getType());
    assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
    assertEquals(token.keyId(), jwt.getHeader().getKeyID());
    assertEquals(ISSUER, claims.getIssuer());
    assertEquals("account-1", claims.getSubject());
    assertEquals(List.of(ISSUER + "/api"), claims.getAudience());
    assertEquals("typo3-site", claims.getStringClaim("client_id"));
    assertEquals("openid profile email", claims.getStringClaim("scope"));
    assertEquals(loginTime.getEpochSecond(), claims.getLongClaim("auth_time"));
    assertEquals("sess-7", claims.getStringClaim("sid"));
    assertEquals(Date.from(clock.instant()), claims.getIssueTime());
    assertEquals(Date.from(clock.instant().plusSeconds(300)), claims.getExpirationTime());
    assertEquals(300, token.expiresInSeconds());
  }

  @Test
  void accessTokenIdIsRandomWithAtLeast128Bits() throws Exception {
    AccessTokenRequest request = AccessTokenRequest.builder("account-1", "typo3-site").build();

    IssuedToken first = issuer.issueAccessToken(request);
    IssuedToken second = issuer.issueAccessToken(request);

    assertNotEquals(first.tokenId(), second.tokenId());
    assertTrue(Base64.getUrlDecoder().decode(first.tokenId()).length >= 16);
    assertEquals(first.tokenId(), SignedJWT.parse(first.value()).getJWTClaimsSet().getJWTID());
  }

  @Test
  void clientCredentialsAccessTokenHasTheClientAsSubjectAndNoSession() throws Exception {
    JWTClaimsSet claims =
        verifiedWithJwks(
                issuer.issueAccessToken(
                    AccessTokenRequest.forClient("civicrm-sync").scope(List.of("sync")).build()))
            .getJWTClaimsSet();

    assertEquals("civicrm-sync", claims.getSubject());
    assertEquals("civicrm-sync", claims.getStringClaim("client_id"));
    assertNull(claims.getClaim("auth_time"));
    assertNull(claims.getClaim("sid"));
  }

  @Test
  void lifetimesComeFromTheSettings() throws Exception {
    TokenIssuer custom =
        new TokenIssuer(
            ring,
            new TokenSettings(
                ISSUER, "https://api.example.org", Duration.ofMinutes(10), Duration.ofMinutes(2)),
            clock);

    IssuedToken access =
        custom.issueAccessToken(AccessTokenRequest.builder("account-1", "typo3-site").build());
    IssuedToken id = custom.issueIdToken(idRequest().build());

    assertEquals(600, access.expiresInSeconds());
    assertEquals(120, id.expiresInSeconds());
    assertEquals(
        List.of("https://api.example.org"),
        SignedJWT.parse(access.value()).getJWTClaimsSet().getAudience());
  }

  @Test
  void issuedTokenToStringHidesTheToken() {
    IssuedToken token =
        issuer.issueAccessToken(AccessTokenRequest.builder("account-1", "typo3-site").build());

    assertFalse(token.toString().contains(token.value()));
    assertFalse(token.toString().contains(token.value().split("\\.")[2]));
  }

  @Test
  void settingsRefuseLifetimesOutsideOneMinuteToOneHour() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TokenSettings(
                ISSUER, ISSUER + "/api", Duration.ofSeconds(59), Duration.ofMinutes(5)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TokenSettings(
                ISSUER, ISSUER + "/api", Duration.ofMinutes(5), Duration.ofSeconds(3601)));
  }

  @Test
  void requestsRefuseABlankOrSpacedSubjectAndBadScope() {
    assertThrows(
        IllegalArgumentException.class, () -> AccessTokenRequest.builder(" ", "c").build());
    assertThrows(
        IllegalArgumentException.class,
        () -> AccessTokenRequest.builder("a", "c").scope(List.of("open id")).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> IdTokenRequest.builder("a b", "c", loginTime).build());
  }
}
