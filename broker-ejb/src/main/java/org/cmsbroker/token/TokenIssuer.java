package org.cmsbroker.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.claims.AccessTokenHash;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.Objects;

/**
 * Signs the broker's tokens with the current key of the requested algorithm, {@code kid} in the
 * header: OpenID Connect ID tokens ({@code typ: JWT}) and RFC 9068 access tokens ({@code typ:
 * at+jwt}). Every token gets a random 128-bit {@code jti}. Thread-safe.
 */
public final class TokenIssuer {

  /** RFC 9068 2.1. */
  public static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");

  private final SigningKeyRing ring;
  private final TokenSettings settings;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public TokenIssuer(SigningKeyRing ring, TokenSettings settings, Clock clock) {
    this.ring = Objects.requireNonNull(ring, "ring");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * An access token: {@code iss}, {@code sub}, {@code aud} (the configured resource audience),
   * {@code client_id}, {@code scope} (when any), {@code jti}, {@code iat}, {@code exp}, and {@code
   * auth_time} and {@code sid} when the request has them.
   *
   * @throws IllegalStateException if there is no current key for the request's algorithm
   */
  public IssuedToken issueAccessToken(AccessTokenRequest request) {
    Objects.requireNonNull(request, "request");
    Instant now = now();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(settings.issuer())
            .subject(request.subject())
            .audience(settings.accessTokenAudience())
            .claim(Claims.CLIENT_ID, request.clientId())
            .jwtID(newTokenId())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(settings.accessTokenLifetime())));
    if (!request.scope().isEmpty()) {
      claims.claim(Claims.SCOPE, String.join(" ", request.scope()));
    }
    request.authTime().ifPresent(t -> claims.claim(Claims.AUTH_TIME, t.getEpochSecond()));
    request.sessionId().ifPresent(sid -> claims.claim(Claims.SID, sid));
    return sign(request.algorithm(), ACCESS_TOKEN_TYPE, claims.build());
  }

  /**
   * An ID token: {@code iss}, {@code sub}, {@code aud} and {@code azp} (the client), {@code exp},
   * {@code iat}, {@code auth_time}, {@code jti}; {@code nonce}, {@code sid} and {@code at_hash}
   * when the request has them; and the profile claims and roles the request carries.
   *
   * @throws IllegalStateException if there is no current key for the request's algorithm
   */
  public IssuedToken issueIdToken(IdTokenRequest request) {
    Objects.requireNonNull(request, "request");
    Instant now = now();
    SigningKey key = ring.current(request.algorithm());
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(settings.issuer())
            .subject(request.subject())
            .audience(request.clientId())
            .claim(Claims.AZP, request.clientId())
            .expirationTime(Date.from(now.plus(settings.idTokenLifetime())))
            .issueTime(Date.from(now))
            .claim(Claims.AUTH_TIME, request.authTime().getEpochSecond())
            .jwtID(newTokenId());
    request.nonce().ifPresent(n -> claims.claim(Claims.NONCE, n));
    request.sessionId().ifPresent(sid -> claims.claim(Claims.SID, sid));
    request
        .accessToken()
        .ifPresent(
            at ->
                claims.claim(
                    Claims.AT_HASH,
                    AccessTokenHash.compute(
                            new BearerAccessToken(at), key.algorithm().jwsAlgorithm())
                        .getValue()));
    request.email().ifPresent(v -> claims.claim(Claims.EMAIL, v));
    request.emailVerified().ifPresent(v -> claims.claim(Claims.EMAIL_VERIFIED, v));
    request.preferredUsername().ifPresent(v -> claims.claim(Claims.PREFERRED_USERNAME, v));
    request.name().ifPresent(v -> claims.claim(Claims.NAME, v));
    request.givenName().ifPresent(v -> claims.claim(Claims.GIVEN_NAME, v));
    request.familyName().ifPresent(v -> claims.claim(Claims.FAMILY_NAME, v));
    request.roles().ifPresent(roles -> claims.claim(request.rolesClaim(), roles));
    return sign(key, JOSEObjectType.JWT, claims.build());
  }

  /** The {@code typ} of back-channel logout tokens (OIDC Back-Channel Logout 1.0, 2.4). */
  public static final JOSEObjectType LOGOUT_TOKEN_TYPE = new JOSEObjectType("logout+jwt");

  /** The event that marks a logout token. */
  public static final String BACKCHANNEL_LOGOUT_EVENT =
      "http://schemas.openid.net/event/backchannel-logout";

  /**
   * A logout token for one client: {@code iss}, {@code aud}, {@code iat}, {@code exp} (two
   * minutes), {@code jti}, {@code sub}, {@code sid} and the back-channel logout event; never a
   * {@code nonce}.
   */
  public IssuedToken issueLogoutToken(
      String subject, String clientId, String sessionId, SigningAlgorithm algorithm) {
    Instant now = now();
    byte[] id = new byte[18];
    random.nextBytes(id);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(settings.issuer())
            .audience(clientId)
            .subject(subject)
            .claim("sid", sessionId)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(120)))
            .jwtID(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(id))
            .claim("events", java.util.Map.of(BACKCHANNEL_LOGOUT_EVENT, java.util.Map.of()))
            .build();
    return sign(algorithm, LOGOUT_TOKEN_TYPE, claims);
  }

  /**
   * The claims of an ID token this broker issued, for {@code id_token_hint}: signature by one of
   * the broker's published keys with that key's own algorithm, and the broker as issuer. Expiry is
   * not checked (a hint may be old). Empty for anything else.
   */
  public java.util.Optional<JWTClaimsSet> idTokenHint(String idToken) {
    if (idToken == null || idToken.length() > 16_384) {
      return java.util.Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(idToken);
      String kid = jwt.getHeader().getKeyID();
      java.util.Optional<SigningKey> key =
          kid == null ? java.util.Optional.empty() : ring.findPublished(kid);
      if (key.isEmpty()
          || !key.get().algorithm().jwsAlgorithm().equals(jwt.getHeader().getAlgorithm())
          || jwt.getHeader().getJWKURL() != null
          || jwt.getHeader().getJWK() != null
          || !jwt.verify(key.get().verifier())
          || !settings.issuer().equals(jwt.getJWTClaimsSet().getIssuer())) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(jwt.getJWTClaimsSet());
    } catch (java.text.ParseException | JOSEException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  private IssuedToken sign(SigningAlgorithm algorithm, JOSEObjectType type, JWTClaimsSet claims) {
    return sign(ring.current(algorithm), type, claims);
  }

  private IssuedToken sign(SigningKey key, JOSEObjectType type, JWTClaimsSet claims) {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(key.algorithm().jwsAlgorithm())
                .type(type)
                .keyID(key.keyId())
                .build(),
            claims);
    try {
      jwt.sign(key.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing with key " + key.keyId() + " failed", e);
    }
    return new IssuedToken(
        jwt.serialize(),
        claims.getJWTID(),
        key.keyId(),
        claims.getIssueTime().toInstant(),
        claims.getExpirationTime().toInstant());
  }

  /** JWT times are whole seconds; truncating keeps {@link IssuedToken} equal to the claims. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private String newTokenId() {
    byte[] id = new byte[16];
    random.nextBytes(id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
  }
}
