package org.cmsbroker.login;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.cmsbroker.crypto.RsaOaepKeyGenerator;

/**
 * Fuzz tests of the login submission's parsing: whatever arrives, the decryptor either accepts it
 * or throws {@link LoginRejectedException}; nothing else escapes (no runtime exception, no stack
 * trace to the client). In CI the saved inputs under {@code JweLoginDecryptorFuzzTestInputs} run as
 * plain JUnit tests; {@code JAZZER_FUZZ=1 mvn test -Dtest=JweLoginDecryptorFuzzTest} fuzzes.
 */
class JweLoginDecryptorFuzzTest {
  private static final RSAKey KEY =
      new RsaOaepKeyGenerator().generate("login-key-1", Instant.EPOCH);
  private static final MutableClock CLOCK = MutableClock.atStart();
  private static final InMemoryLoginKeyStore STORE = new InMemoryLoginKeyStore();
  private static final JweLoginDecryptor DECRYPTOR;

  static {
    STORE.add(new LoginKey(KEY, CLOCK.instant()));
    LoginKeyRing ring = new LoginKeyRing(STORE, new RsaOaepKeyGenerator(), CLOCK);
    LoginChallenges challenges =
        new LoginChallenges(
            new InMemoryChallengeStore(),
            Duration.ofMinutes(5),
            CLOCK,
            new SecureRandom(),
            new byte[32]);
    DECRYPTOR = new JweLoginDecryptor(ring, challenges);
  }

  /** Any text as the submitted compact JWE. */
  @FuzzTest(maxDuration = "60s")
  void submissionParsingOnlyEverRejects(FuzzedDataProvider data) {
    try {
      DECRYPTOR.decrypt(data.consumeRemainingAsString());
    } catch (LoginRejectedException expected) {
      // The only acceptable failure.
    }
  }

  /** Any text as the payload of a correctly encrypted JWE to the current key. */
  @FuzzTest(maxDuration = "60s")
  void payloadParsingOnlyEverRejects(FuzzedDataProvider data) throws Exception {
    JWEObject jwe =
        new JWEObject(
            new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
                .keyID(KEY.getKeyID())
                .build(),
            new Payload(data.consumeRemainingAsString()));
    jwe.encrypt(new RSAEncrypter(KEY.toRSAPublicKey()));
    try {
      DECRYPTOR.decrypt(jwe.serialize());
    } catch (LoginRejectedException expected) {
      // The only acceptable failure.
    }
  }
}
