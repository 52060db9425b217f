package org.cmsbroker.token;

import java.time.Duration;
import java.util.Objects;

/**
 * What the broker puts into and expects of its tokens: the issuer URL ({@code iss}, no trailing
 * slash), the audience of access tokens and the lifetimes of access and ID tokens.
 *
 * @param issuer the broker's public URL, {@code iss} of every token; a trailing slash is removed
 * @param accessTokenAudience {@code aud} of access tokens (the broker's own API by default)
 * @param accessTokenLifetime 60 seconds to 1 hour
 * @param idTokenLifetime 60 seconds to 1 hour
 */
public record TokenSettings(
    String issuer,
    String accessTokenAudience,
    Duration accessTokenLifetime,
    Duration idTokenLifetime) {

  public static final Duration MIN_LIFETIME = Duration.ofSeconds(60);
  public static final Duration MAX_LIFETIME = Duration.ofHours(1);
  public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

  /**
   * @throws IllegalArgumentException if the issuer or audience is blank or a lifetime is out of
   *     bounds
   */
  public TokenSettings {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(accessTokenAudience, "accessTokenAudience");
    Objects.requireNonNull(accessTokenLifetime, "accessTokenLifetime");
    Objects.requireNonNull(idTokenLifetime, "idTokenLifetime");
    issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    if (issuer.isBlank() || accessTokenAudience.isBlank()) {
      throw new IllegalArgumentException("Token issuer and audience must not be blank");
    }
    requireBounded(accessTokenLifetime, "Access token lifetime");
    requireBounded(idTokenLifetime, "ID token lifetime");
  }

  /** The defaults for {@code issuer}: audience {@code issuer + "/api"}, five-minute lifetimes. */
  public static TokenSettings defaultsFor(String issuer) {
    String stripped = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    return new TokenSettings(stripped, stripped + "/api", DEFAULT_LIFETIME, DEFAULT_LIFETIME);
  }

  /** The longer of the two lifetimes: how long a signing key must stay published once retired. */
  public Duration longestLifetime() {
    return accessTokenLifetime.compareTo(idTokenLifetime) >= 0
        ? accessTokenLifetime
        : idTokenLifetime;
  }

  private static void requireBounded(Duration lifetime, String what) {
    if (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException(what + " must be between 60 seconds and 1 hour");
    }
  }
}
