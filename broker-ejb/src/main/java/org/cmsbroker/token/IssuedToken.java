package org.cmsbroker.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A token the broker just signed. {@link #toString()} never shows the token itself, which is a
 * bearer credential.
 *
 * @param value the compact JWS
 * @param tokenId its {@code jti}
 * @param keyId the {@code kid} of the key that signed it
 * @param issuedAt its {@code iat}
 * @param expiresAt its {@code exp}
 */
public record IssuedToken(
    String value, String tokenId, String keyId, Instant issuedAt, Instant expiresAt) {

  public IssuedToken {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** Whole seconds from issue to expiry, for {@code expires_in}. */
  public long expiresInSeconds() {
    return Duration.between(issuedAt, expiresAt).toSeconds();
  }

  @Override
  public String toString() {
    return "IssuedToken[jti="
        + tokenId
        + ", kid="
        + keyId
        + ", iat="
        + issuedAt
        + ", exp="
        + expiresAt
        + "]";
  }
}
