package org.cmsbroker.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RsaOaepKeyGeneratorTest {

  @Test
  void generatesA3072BitEncryptionKeyForRsaOaep256Only() {
    RSAKey key = new RsaOaepKeyGenerator().generate("k1", Instant.parse("2025-01-01T00:00:00Z"));

    assertEquals(3072, key.size());
    assertEquals("k1", key.getKeyID());
    assertEquals(KeyUse.ENCRYPTION, key.getKeyUse());
    assertEquals(JWEAlgorithm.RSA_OAEP_256, key.getAlgorithm());
    assertTrue(key.isPrivate());
  }

  @Test
  void refusesKeysSmallerThan3072Bits() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new RsaOaepKeyGenerator(2048));
    assertEquals("Login key size must be at least 3072 bits", e.getMessage());
  }
}
