package org.cmsbroker.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * One token signing key: a private JWK with {@code kid}, {@code use=sig} and {@code alg}, and its
 * creation time. The algorithm is fixed by the key: an EC P-256 key signs ES256 only, an RSA key of
 * at least 2048 bits RS256 only. Immutable. {@link #toString()} never shows the private key.
 */
public final class SigningKey {

  /** Smallest RSA modulus accepted (RFC 7518 3.3). */
  public static final int MIN_RSA_BITS = 2048;

  private final SigningAlgorithm algorithm;
  private final JWK privateJwk;
  private final PublicKey verificationKey;
  private final Instant createdAt;

  /** Made once: Nimbus signers are thread-safe, and converting the JWK to a key costs each time. */
  private volatile JWSSigner signer;

  /**
   * @param privateJwk the key pair, with {@code kid}, {@code use=sig} and an {@code alg} the broker
   *     signs with
   * @param createdAt when it was made; orders keys and drives rotation
   * @throws IllegalArgumentException if the JWK has no private part, no {@code kid}, another use,
   *     no or an unknown {@code alg}, a key type that does not fit the algorithm, a curve other
   *     than P-256 or an RSA modulus below 2048 bits
   */
  public SigningKey(JWK privateJwk, Instant createdAt) {
    Objects.requireNonNull(privateJwk, "privateJwk");
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    if (!privateJwk.isPrivate() || privateJwk.getKeyID() == null) {
      throw new IllegalArgumentException("A signing key needs a private JWK with a kid");
    }
    if (!KeyUse.SIGNATURE.equals(privateJwk.getKeyUse())) {
      throw new IllegalArgumentException("A signing key must have use=sig");
    }
    this.algorithm =
        SigningAlgorithm.named(
                privateJwk.getAlgorithm() == null ? null : privateJwk.getAlgorithm().getName())
            .orElseThrow(
                () -> new IllegalArgumentException("A signing key must have alg ES256 or RS256"));
    switch (algorithm) {
      case ES256 -> {
        if (!(privateJwk instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve())) {
          throw new IllegalArgumentException("An ES256 signing key must be an EC P-256 key");
        }
      }
      case RS256 -> {
        if (!(privateJwk instanceof RSAKey rsa) || rsa.size() < MIN_RSA_BITS) {
          throw new IllegalArgumentException(
              "An RS256 signing key must be an RSA key of at least 2048 bits");
        }
      }
    }
    this.privateJwk = privateJwk;
    try {
      this.verificationKey =
          switch (algorithm) {
            case ES256 -> BouncyCastle.publicKey(privateJwk.toECKey().toECPublicKey());
            case RS256 -> privateJwk.toRSAKey().toRSAPublicKey();
          };
    } catch (JOSEException e) {
      throw new IllegalArgumentException("A signing key's public half must be a valid key");
    }
  }

  public String keyId() {
    return privateJwk.getKeyID();
  }

  /** The one algorithm this key signs and verifies with. */
  public SigningAlgorithm algorithm() {
    return algorithm;
  }

  public Instant createdAt() {
    return createdAt;
  }

  /** The public half: {@code kty}, {@code kid}, {@code use=sig}, {@code alg}, no private part. */
  public JWK publicJwk() {
    return privateJwk.toPublicJWK();
  }

  /** The key pair; for the storage implementation only. */
  public JWK privateJwk() {
    return privateJwk;
  }

  /** The public key that checks this key's signatures, made once. */
  PublicKey verificationKey() {
    return verificationKey;
  }

  /**
   * The Nimbus signer for this key's algorithm, made once; ES256 through Bouncy Castle (see {@link
   * BouncyCastle}).
   */
  JWSSigner signer() {
    JWSSigner made = signer;
    if (made != null) {
      return made;
    }
    try {
      made =
          switch (algorithm) {
            case ES256 -> {
              ECDSASigner ec =
                  new ECDSASigner(BouncyCastle.privateKey(privateJwk.toECKey().toECPrivateKey()));
              ec.getJCAContext().setProvider(BouncyCastle.PROVIDER);
              yield ec;
            }
            case RS256 -> new RSASSASigner(privateJwk.toRSAKey());
          };
    } catch (JOSEException e) {
      throw new IllegalStateException("signing key " + keyId() + " cannot sign", e);
    }
    signer = made;
    return made;
  }

  /** A Nimbus verifier for this key's public half. */
  JWSVerifier verifier() {
    try {
      return switch (algorithm) {
        case ES256 -> new ECDSAVerifier(privateJwk.toECKey().toPublicJWK());
        case RS256 -> new RSASSAVerifier(privateJwk.toRSAKey().toPublicJWK());
      };
    } catch (JOSEException e) {
      throw new IllegalStateException("signing key " + keyId() + " cannot verify", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SigningKey other
        && privateJwk.equals(other.privateJwk)
        && createdAt.equals(other.createdAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(privateJwk, createdAt);
  }

  @Override
  public String toString() {
    return "SigningKey[kid=" + keyId() + ", alg=" + algorithm + ", createdAt=" + createdAt + "]";
  }
}
