package org.cmsbroker.token;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A signing key's signer: made once, and its ES256 signatures are standard ones. */
class SigningKeyTest {
  private final SigningKey key =
      new SigningKeyGenerator().generate(SigningAlgorithm.ES256, Instant.now());

  @Test
  void anEs256SignatureMadeThroughBouncyCastleVerifiesWithTheJdksOwnProvider() throws Exception {
    for (int i = 0; i < 50; i++) {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.ES256)
                  .keyID(key.keyId())
                  .type(new JOSEObjectType("at+jwt"))
                  .build(),
              new JWTClaimsSet.Builder().subject("s" + i).build());
      jwt.sign(key.signer());
      // Nimbus's default JCA context: the JDK's SunEC, as a relying party would verify.
      ECDSAVerifier jdk = new ECDSAVerifier(key.publicJwk().toECKey());
      assertTrue(SignedJWT.parse(jwt.serialize()).verify(jdk), "signature " + i);
    }
  }

  @Test
  void theSignerIsMadeOnceAndShared() {
    assertSame(key.signer(), key.signer());
  }
}
