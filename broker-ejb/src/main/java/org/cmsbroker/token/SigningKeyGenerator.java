package org.cmsbroker.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

/**
 * Makes signing keys: EC P-256 for ES256, RSA 2048 for RS256, each with a random {@code kid},
 * {@code use=sig} and its {@code alg}. RSA generation takes a fraction of a second: call it ahead
 * of time, never per request. Thread-safe.
 */
public final class SigningKeyGenerator {

  private final SecureRandom random = new SecureRandom();

  /** A new key for {@code algorithm}, created at {@code now}. */
  public SigningKey generate(SigningAlgorithm algorithm, Instant now) {
    String kid = newKeyId();
    try {
      JWK jwk =
          switch (algorithm) {
            case ES256 ->
                new ECKeyGenerator(Curve.P_256)
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(algorithm.jwsAlgorithm())
                    .secureRandom(random)
                    .generate();
            case RS256 ->
                new RSAKeyGenerator(SigningKey.MIN_RSA_BITS)
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(algorithm.jwsAlgorithm())
                    .secureRandom(random)
                    .generate();
          };
      return new SigningKey(jwk, now);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
    }
  }

  private String newKeyId() {
    byte[] id = new byte[12];
    random.nextBytes(id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
  }
}
