package org.cmsbroker.login;

import com.nimbusds.jose.jwk.RSAKey;
import java.time.Instant;
import java.util.Objects;

/**
 * One login key: an RSA key pair for {@code RSA-OAEP-256} with its {@code kid} and creation time.
 * Immutable. {@link #toString()} never shows the private key.
 */
public final class LoginKey {

  private final RSAKey privateJwk;
  private final Instant createdAt;

  /**
   * @param privateJwk the key pair, with a {@code kid}
   * @param createdAt when it was made; orders keys and drives rotation
   * @throws IllegalArgumentException if the JWK has no private part or no {@code kid}
   */
  public LoginKey(RSAKey privateJwk, Instant createdAt) {
    Objects.requireNonNull(privateJwk, "privateJwk");
    if (!privateJwk.isPrivate() || privateJwk.getKeyID() == null) {
      throw new IllegalArgumentException("A login key needs a private RSA JWK with a kid");
    }
    this.privateJwk = privateJwk;
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
  }

  public String keyId() {
    return privateJwk.getKeyID();
  }

  public Instant createdAt() {
    return createdAt;
  }

  /** The public half as a JWK: {@code kty=RSA}, {@code kid}, {@code use=enc}, {@code alg}. */
  public RSAKey publicJwk() {
    return privateJwk.toPublicJWK();
  }

  /** The key pair; for decryption and for the storage implementation only. */
  public RSAKey privateJwk() {
    return privateJwk;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LoginKey other
        && privateJwk.equals(other.privateJwk)
        && createdAt.equals(other.createdAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(privateJwk, createdAt);
  }

  @Override
  public String toString() {
    return "LoginKey[kid=" + keyId() + ", createdAt=" + createdAt + "]";
  }
}
