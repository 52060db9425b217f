package org.cmsbroker.token;

import static org.cmsbroker.token.AccessTokenRejectedException.Reason;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the broker's own access tokens (RFC 9068), for userinfo and introspection, in named
 * steps, each refusing with its own {@link Reason}:
 *
 * <ol>
 *   <li>parse: at most {@value #MAX_TOKEN_LENGTH} characters, a compact signed JWT;
 *   <li>header: no {@code jwk}, {@code jku}, {@code x5u}, {@code x5c} or {@code crit}, and {@code
 *       typ} {@code at+jwt};
 *   <li>key: {@code kid} names one of the broker's published signing keys;
 *   <li>algorithm: the header's {@code alg} is that key's configured algorithm, so the header never
 *       chooses how the token is checked ({@code none}, {@code HS256} keyed with a public key,
 *       {@code RS256} on an EC key are all refused);
 *   <li>signature, with Nimbus's verifier for that key;
 *   <li>claims: {@code iss}, then {@code exp}, {@code nbf} and {@code iat} with {@link
 *       #CLOCK_SKEW}, then {@code aud}, then the other required claims.
 * </ol>
 *
 * <p>Thread-safe.
 */
public final class AccessTokenVerifier {

  /** Longer tokens are refused before parsing. */
  public static final int MAX_TOKEN_LENGTH = 8192;

  /** Tolerated difference between the clocks of the signing and the verifying instance. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  private static final Set<String> FORBIDDEN_HEADER_PARAMETERS =
      Set.of("jwk", "jku", "x5u", "x5c", "crit");

  private static final Set<String> ACCEPTED_TYPES = Set.of("at+jwt", "application/at+jwt");

  private final SigningKeyRing ring;
  private final String issuer;
  private final String audience;
  private final Clock clock;

  /** Accepts tokens whose {@code iss} and {@code aud} are those of {@code settings}. */
  public AccessTokenVerifier(SigningKeyRing ring, TokenSettings settings, Clock clock) {
    this.ring = Objects.requireNonNull(ring, "ring");
    this.issuer = settings.issuer();
    this.audience = settings.accessTokenAudience();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Verifies {@code token} and returns its claims.
   *
   * @throws AccessTokenRejectedException at the first step it fails
   */
  public VerifiedAccessToken verify(String token) throws AccessTokenRejectedException {
    SignedJWT jwt = parse(token);
    JWSHeader header = jwt.getHeader();
    checkHeader(header);
    SigningKey key = findKey(header);
    checkAlgorithm(header, key);
    checkSignature(jwt, key);
    JWTClaimsSet claims = claimsOf(jwt);
    checkIssuer(claims);
    checkTimes(claims, clock.instant());
    checkAudience(claims);
    return toVerified(claims);
  }

  private static SignedJWT parse(String token) throws AccessTokenRejectedException {
    if (token == null) {
      throw new AccessTokenRejectedException(Reason.MALFORMED);
    }
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw new AccessTokenRejectedException(Reason.TOO_LARGE);
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new AccessTokenRejectedException(Reason.MALFORMED);
    }
    if (jwt instanceof PlainJWT) {
      throw new AccessTokenRejectedException(Reason.UNSECURED);
    }
    if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
      throw new AccessTokenRejectedException(Reason.MALFORMED);
    }
    return signed;
  }

  private static void checkHeader(JWSHeader header) throws AccessTokenRejectedException {
    for (String name : header.getIncludedParams()) {
      if (FORBIDDEN_HEADER_PARAMETERS.contains(name)) {
        throw new AccessTokenRejectedException(Reason.FORBIDDEN_HEADER);
      }
    }
    JOSEObjectType type = header.getType();
    // Media type names compare case-insensitively (RFC 7515 4.1.9).
    if (type == null || !ACCEPTED_TYPES.contains(type.getType().toLowerCase(Locale.ROOT))) {
      throw new AccessTokenRejectedException(Reason.WRONG_TYPE);
    }
  }

  private SigningKey findKey(JWSHeader header) throws AccessTokenRejectedException {
    return ring.findPublished(header.getKeyID())
        .orElseThrow(() -> new AccessTokenRejectedException(Reason.UNKNOWN_KEY));
  }

  private static void checkAlgorithm(JWSHeader header, SigningKey key)
      throws AccessTokenRejectedException {
    if (!key.algorithm().jwsAlgorithm().equals(header.getAlgorithm())) {
      throw new AccessTokenRejectedException(Reason.WRONG_ALGORITHM);
    }
  }

  private static void checkSignature(SignedJWT jwt, SigningKey key)
      throws AccessTokenRejectedException {
    boolean valid;
    try {
      valid = jwt.verify(key.verifier());
    } catch (JOSEException | IllegalStateException e) {
      valid = false;
    }
    if (!valid) {
      throw new AccessTokenRejectedException(Reason.BAD_SIGNATURE);
    }
  }

  private static JWTClaimsSet claimsOf(SignedJWT jwt) throws AccessTokenRejectedException {
    try {
      return jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new AccessTokenRejectedException(Reason.MALFORMED_CLAIMS);
    }
  }

  private void checkIssuer(JWTClaimsSet claims) throws AccessTokenRejectedException {
    if (!issuer.equals(claims.getIssuer())) {
      throw new AccessTokenRejectedException(Reason.WRONG_ISSUER);
    }
  }

  private static void checkTimes(JWTClaimsSet claims, Instant now)
      throws AccessTokenRejectedException {
    Date exp = claims.getExpirationTime();
    Date iat = claims.getIssueTime();
    if (exp == null || iat == null) {
      throw new AccessTokenRejectedException(Reason.MISSING_CLAIM);
    }
    // exp is the first instant at which the token is no longer accepted (RFC 7519 4.1.4).
    if (!now.isBefore(exp.toInstant().plus(CLOCK_SKEW))) {
      throw new AccessTokenRejectedException(Reason.EXPIRED);
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant().minus(CLOCK_SKEW))) {
      throw new AccessTokenRejectedException(Reason.NOT_YET_VALID);
    }
    if (now.isBefore(iat.toInstant().minus(CLOCK_SKEW))) {
      throw new AccessTokenRejectedException(Reason.NOT_YET_VALID);
    }
  }

  private void checkAudience(JWTClaimsSet claims) throws AccessTokenRejectedException {
    List<String> aud = claims.getAudience();
    if (aud == null || !aud.contains(audience)) {
      throw new AccessTokenRejectedException(Reason.WRONG_AUDIENCE);
    }
  }

  private static VerifiedAccessToken toVerified(JWTClaimsSet claims)
      throws AccessTokenRejectedException {
    try {
      String subject = claims.getSubject();
      String clientId = claims.getStringClaim(Claims.CLIENT_ID);
      String tokenId = claims.getJWTID();
      if (subject == null || clientId == null || tokenId == null) {
        throw new AccessTokenRejectedException(Reason.MISSING_CLAIM);
      }
      String scope = claims.getStringClaim(Claims.SCOPE);
      Long authTime = claims.getLongClaim(Claims.AUTH_TIME);
      return new VerifiedAccessToken(
          subject,
          clientId,
          scope == null || scope.isBlank() ? List.of() : List.of(scope.trim().split(" +")),
          tokenId,
          claims.getIssueTime().toInstant(),
          claims.getExpirationTime().toInstant(),
          Optional.ofNullable(authTime).map(Instant::ofEpochSecond),
          Optional.ofNullable(claims.getStringClaim(Claims.SID)));
    } catch (ParseException e) {
      throw new AccessTokenRejectedException(Reason.MALFORMED_CLAIMS);
    }
  }
}
