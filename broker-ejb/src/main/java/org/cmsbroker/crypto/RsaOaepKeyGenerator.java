package org.cmsbroker.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.time.Instant;
import java.util.Objects;

/**
 * Makes RSA key pairs for JWE key encryption with {@code RSA-OAEP-256} only: the JWK carries {@code
 * kid}, {@code use=enc} and {@code alg=RSA-OAEP-256}, so it can serve no other purpose. Generation
 * is slow (a fraction of a second for 3072 bits): call it ahead of time, never per request.
 * Thread-safe.
 */
public final class RsaOaepKeyGenerator {

  /** 128-bit security (ASVS 5.0 V11): RSA keys of 3072 bits. */
  public static final int DEFAULT_KEY_BITS = 3072;

  private final int keyBits;

  /** Generates 3072-bit keys. */
  public RsaOaepKeyGenerator() {
    this(DEFAULT_KEY_BITS);
  }

  /**
   * @param keyBits modulus size
   * @throws IllegalArgumentException if {@code keyBits} is below 3072
   */
  public RsaOaepKeyGenerator(int keyBits) {
    if (keyBits < DEFAULT_KEY_BITS) {
      throw new IllegalArgumentException("Login key size must be at least 3072 bits");
    }
    this.keyBits = keyBits;
  }

  /**
   * A new key pair as a private JWK.
   *
   * @param keyId the {@code kid}
   * @param issuedAt the {@code iat} recorded in the JWK
   */
  public RSAKey generate(String keyId, Instant issuedAt) {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(issuedAt, "issuedAt");
    try {
      return new RSAKeyGenerator(keyBits)
          .keyID(keyId)
          .keyUse(KeyUse.ENCRYPTION)
          .algorithm(JWEAlgorithm.RSA_OAEP_256)
          .issueTime(java.util.Date.from(issuedAt))
          .generate();
    } catch (JOSEException e) {
      // Only when the JRE has no RSA key pair generator: a broken runtime, not bad input.
      throw new IllegalStateException("RSA key generation unavailable", e);
    }
  }
}
