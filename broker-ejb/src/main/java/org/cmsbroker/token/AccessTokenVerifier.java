package org.cmsbroker.token;

import static org.cmsbroker.token.AccessTokenRejectedException.Reason;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import com.nimbusds.jwt.util.DateUtils;
import java.security.Key;
import java.security.Provider;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the broker's own access tokens (RFC 9068), for userinfo and introspection, with Nimbus's
 * {@link DefaultJWTProcessor}, in named steps, each refusing with its own {@link Reason}:
 *
 * <ol>
 *   <li>parse: at most {@value #MAX_TOKEN_LENGTH} characters, a compact signed JWT;
 *   <li>header: no {@code jwk}, {@code jku}, {@code x5u}, {@code x5c} or {@code crit}, and {@code
 *       typ} {@code at+jwt} ({@link DefaultJOSEObjectTypeVerifier});
 *   <li>key ({@link JWSKeySelector}): {@code kid} names one of the broker's published signing keys;
 *   <li>algorithm: the header's {@code alg} is that key's configured algorithm, so the header never
 *       chooses how the token is checked ({@code none}, {@code HS256} keyed with a public key,
 *       {@code RS256} on an EC key are all refused);
 *   <li>signature, with Nimbus's verifier for that key, on Bouncy Castle's provider;
 *   <li>claims ({@link DefaultJWTClaimsVerifier}s): {@code iss}, then {@code exp}, {@code nbf} and
 *       {@code iat} with {@link #CLOCK_SKEW}, then {@code aud}, then the other required claims.
 * </ol>
 *
 * <p>Nimbus reads the claims set (as JSON) before it selects the key, so a payload that is not a
 * JSON object is refused as {@link Reason#MALFORMED_CLAIMS} whatever its header says.
 *
 * <p>A verifier made with a cache capacity remembers the tokens it accepted (by their SHA-256, see
 * {@link VerifiedAccessTokenCache}) until they expire, and accepts them again without checking the
 * signature, as long as their signing key is still published. Revocation, logout and a disabled
 * client are not this class's business: callers check them on every request.
 *
 * <p>Thread-safe.
 */
public final class AccessTokenVerifier {

  /** Longer tokens are refused before parsing. */
  public static final int MAX_TOKEN_LENGTH = 8192;

  /** Tolerated difference between the clocks of the signing and the verifying instance. */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

  /** How many verified tokens the broker's own verifier remembers. */
  public static final int DEFAULT_CACHE_CAPACITY = 10_000;

  private static final Set<String> FORBIDDEN_HEADER_PARAMETERS =
      Set.of("jwk", "jku", "x5u", "x5c", "crit");

  private static final Provider BOUNCY_CASTLE = BouncyCastle.PROVIDER;

  private static final int SKEW_SECONDS = Math.toIntExact(CLOCK_SKEW.toSeconds());

  private final SigningKeyRing ring;
  private final Clock clock;
  private final DefaultJWTProcessor<SecurityContext> processor;
  private final Optional<VerifiedAccessTokenCache> cache;

  /**
   * Accepts tokens whose {@code iss} and {@code aud} are those of {@code settings}; remembers
   * nothing.
   */
  public AccessTokenVerifier(SigningKeyRing ring, TokenSettings settings, Clock clock) {
    this(ring, settings, clock, 0);
  }

  /**
   * Accepts tokens whose {@code iss} and {@code aud} are those of {@code settings}, and remembers
   * at most {@code cacheCapacity} of the tokens it accepted (none when 0).
   *
   * @throws IllegalArgumentException if {@code cacheCapacity} is negative
   */
  public AccessTokenVerifier(
      SigningKeyRing ring, TokenSettings settings, Clock clock, int cacheCapacity) {
    this.ring = Objects.requireNonNull(ring, "ring");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (cacheCapacity < 0) {
      throw new IllegalArgumentException("Access token cache capacity must not be negative");
    }
    this.cache =
        cacheCapacity == 0
            ? Optional.empty()
            : Optional.of(new VerifiedAccessTokenCache(cacheCapacity));
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSTypeVerifier(typeStep());
    p.setJWSKeySelector(this::selectKey);
    p.setJWSVerifierFactory(verifierFactory());
    p.setJWTClaimsSetVerifier(claimsSteps(settings.issuer(), settings.accessTokenAudience()));
    this.processor = p;
  }

  /**
   * Verifies {@code token} and returns its claims.
   *
   * @throws AccessTokenRejectedException at the first step it fails
   */
  public VerifiedAccessToken verify(String token) throws AccessTokenRejectedException {
    checkLength(token);
    if (cache.isPresent()) {
      Optional<VerifiedAccessToken> known = cache.get().find(token, clock.instant(), ring);
      if (known.isPresent()) {
        return known.get();
      }
    }
    SignedJWT jwt = parse(token);
    checkHeader(jwt.getHeader());
    VerifiedAccessToken verified = toVerified(process(jwt));
    if (cache.isPresent()) {
      cache.get().put(token, jwt.getHeader().getKeyID(), verified, clock.instant());
    }
    return verified;
  }

  /** How many accepted tokens the cache holds now; for tests. */
  int cachedTokens() {
    return cache.map(VerifiedAccessTokenCache::size).orElse(0);
  }

  private static void checkLength(String token) throws AccessTokenRejectedException {
    if (token == null) {
      throw new AccessTokenRejectedException(Reason.MALFORMED);
    }
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw new AccessTokenRejectedException(Reason.TOO_LARGE);
    }
  }

  private static SignedJWT parse(String token) throws AccessTokenRejectedException {
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

  /** Refuses a key or key reference in the header, and critical parameters. */
  private static void checkHeader(JWSHeader header) throws AccessTokenRejectedException {
    for (String name : header.getIncludedParams()) {
      if (FORBIDDEN_HEADER_PARAMETERS.contains(name)) {
        throw new AccessTokenRejectedException(Reason.FORBIDDEN_HEADER);
      }
    }
  }

  /** The type, key, algorithm, signature and claims steps, by Nimbus. */
  private JWTClaimsSet process(SignedJWT jwt) throws AccessTokenRejectedException {
    try {
      return processor.process(jwt, null);
    } catch (Refused e) {
      throw new AccessTokenRejectedException(e.reason);
    } catch (KeyRefused e) {
      throw new AccessTokenRejectedException(e.reason);
    } catch (BadJWSException e) {
      throw new AccessTokenRejectedException(Reason.BAD_SIGNATURE);
    } catch (BadJWTException e) {
      // Thrown by Nimbus itself (not a step) only when the payload is no JSON claims set.
      throw new AccessTokenRejectedException(Reason.MALFORMED_CLAIMS);
    } catch (BadJOSEException | JOSEException e) {
      // No verifier could check the signature with the selected key.
      throw new AccessTokenRejectedException(Reason.BAD_SIGNATURE);
    }
  }

  /**
   * Nimbus's verifiers on Bouncy Castle's JCA provider (this instance only, never registered
   * globally): on Java 17 its ECDSA P-256 verification costs about a quarter of the CPU time of the
   * JDK's SunEC (about 3,900 against 900 verifications per CPU-second, measured on the bench
   * machine), RSA the same as SunRsaSign.
   */
  private static DefaultJWSVerifierFactory verifierFactory() {
    DefaultJWSVerifierFactory factory = new DefaultJWSVerifierFactory();
    factory.getJCAContext().setProvider(BOUNCY_CASTLE);
    return factory;
  }

  /** {@code typ} is {@code at+jwt} or {@code application/at+jwt}, compared case-insensitively. */
  private static JOSEObjectTypeVerifier<SecurityContext> typeStep() {
    DefaultJOSEObjectTypeVerifier<SecurityContext> types =
        new DefaultJOSEObjectTypeVerifier<>(
            TokenIssuer.ACCESS_TOKEN_TYPE, new JOSEObjectType("application/at+jwt"));
    return (type, context) -> {
      try {
        types.verify(type, context);
      } catch (BadJOSEException e) {
        throw new Refused(Reason.WRONG_TYPE);
      }
    };
  }

  /**
   * The one key named by {@code kid} among the published ones, and only for its own algorithm: the
   * header never chooses the algorithm.
   */
  private List<Key> selectKey(JWSHeader header, SecurityContext context) throws KeyRefused {
    SigningKey key =
        ring.findPublished(header.getKeyID()).orElseThrow(() -> new KeyRefused(Reason.UNKNOWN_KEY));
    if (!key.algorithm().jwsAlgorithm().equals(header.getAlgorithm())) {
      throw new KeyRefused(Reason.WRONG_ALGORITHM);
    }
    return List.of(key.verificationKey());
  }

  /**
   * The claims steps in order, each a Nimbus {@link DefaultJWTClaimsVerifier} that checks one
   * thing, so that each failure has one {@link Reason}. Only the time window step reads the clock.
   */
  private JWTClaimsSetVerifier<SecurityContext> claimsSteps(String issuer, String audience) {
    DefaultJWTClaimsVerifier<SecurityContext> issuerStep =
        untimed(null, new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of());
    DefaultJWTClaimsVerifier<SecurityContext> timeClaimsStep =
        untimed(null, null, Set.of(JWTClaimNames.EXPIRATION_TIME, JWTClaimNames.ISSUED_AT));
    DefaultJWTClaimsVerifier<SecurityContext> timeWindowStep =
        new DefaultJWTClaimsVerifier<>(null, null, Set.of()) {
          @Override
          protected Date currentTime() {
            return Date.from(clock.instant());
          }
        };
    timeWindowStep.setMaxClockSkew(SKEW_SECONDS);
    DefaultJWTClaimsVerifier<SecurityContext> audienceStep = untimed(audience, null, Set.of());
    DefaultJWTClaimsVerifier<SecurityContext> requiredStep =
        untimed(null, null, Set.of(JWTClaimNames.SUBJECT, Claims.CLIENT_ID, JWTClaimNames.JWT_ID));
    return (claims, context) -> {
      step(issuerStep, claims, Reason.WRONG_ISSUER);
      step(timeClaimsStep, claims, Reason.MISSING_CLAIM);
      try {
        timeWindowStep.verify(claims, context);
      } catch (ExpiredJWTException e) {
        throw new Refused(Reason.EXPIRED);
      } catch (BadJWTException e) {
        throw new Refused(Reason.NOT_YET_VALID);
      }
      // DefaultJWTClaimsVerifier leaves iat alone; one from the future is not valid yet either.
      if (!DateUtils.isBefore(claims.getIssueTime(), Date.from(clock.instant()), SKEW_SECONDS)) {
        throw new Refused(Reason.NOT_YET_VALID);
      }
      step(audienceStep, claims, Reason.WRONG_AUDIENCE);
      step(requiredStep, claims, Reason.MISSING_CLAIM);
    };
  }

  /** A claims verifier that leaves {@code exp} and {@code nbf} to the time window step. */
  private static DefaultJWTClaimsVerifier<SecurityContext> untimed(
      String audience, JWTClaimsSet exactMatch, Set<String> required) {
    return new DefaultJWTClaimsVerifier<>(audience, exactMatch, required) {
      @Override
      protected Date currentTime() {
        return null;
      }
    };
  }

  private static void step(
      DefaultJWTClaimsVerifier<SecurityContext> verifier, JWTClaimsSet claims, Reason reason)
      throws Refused {
    try {
      verifier.verify(claims, null);
    } catch (BadJWTException e) {
      throw new Refused(reason);
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

  /** A step of the type or claims verification refused the token; carried through Nimbus. */
  private static final class Refused extends BadJWTException {
    private static final long serialVersionUID = 1L;
    private final transient Reason reason;

    Refused(Reason reason) {
      super(reason.message());
      this.reason = reason;
    }
  }

  /** The key selection refused the token; carried through Nimbus. */
  private static final class KeyRefused extends KeySourceException {
    private static final long serialVersionUID = 1L;
    private final transient Reason reason;

    KeyRefused(Reason reason) {
      super(reason.message());
      this.reason = reason;
    }
  }
}
