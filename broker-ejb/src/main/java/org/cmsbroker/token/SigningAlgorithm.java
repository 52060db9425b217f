package org.cmsbroker.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyType;
import java.util.Optional;

/**
 * The JWS algorithms the broker signs with. {@link #ES256} is the default (ASVS 5.0 disallows RSA
 * PKCS#1 v1.5 signatures); {@link #RS256} exists because OpenID Connect Core requires providers to
 * support it and some CMS plugins verify nothing else.
 */
public enum SigningAlgorithm {
  /** ECDSA on P-256 with SHA-256. */
  ES256(JWSAlgorithm.ES256, KeyType.EC),
  /** RSASSA-PKCS1-v1_5 with SHA-256, on 2048-bit or larger keys. */
  RS256(JWSAlgorithm.RS256, KeyType.RSA);

  private final JWSAlgorithm jwsAlgorithm;
  private final KeyType keyType;

  SigningAlgorithm(JWSAlgorithm jwsAlgorithm, KeyType keyType) {
    this.jwsAlgorithm = jwsAlgorithm;
    this.keyType = keyType;
  }

  /** The Nimbus algorithm. */
  public JWSAlgorithm jwsAlgorithm() {
    return jwsAlgorithm;
  }

  /** The JWK key type a key for this algorithm has. */
  public KeyType keyType() {
    return keyType;
  }

  /**
   * The algorithm named {@code name} exactly (for example {@code "ES256"}), if the broker has it.
   */
  public static Optional<SigningAlgorithm> named(String name) {
    for (SigningAlgorithm a : values()) {
      if (a.jwsAlgorithm.getName().equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
