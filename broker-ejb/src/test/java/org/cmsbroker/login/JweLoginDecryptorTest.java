package org.cmsbroker.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.CompressionAlgorithm;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cmsbroker.crypto.RsaOaepKeyGenerator;
import org.cmsbroker.login.LoginRejectedException.Reason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class JweLoginDecryptorTest {

  /** Made once: 3072-bit generation takes a while, and most tests need only one key. */
  private static final RSAKey KEY_PAIR =
      new RsaOaepKeyGenerator().generate("login-key-1", Instant.EPOCH);

  private final MutableClock clock = MutableClock.atStart();
  private final InMemoryLoginKeyStore store = new InMemoryLoginKeyStore();
  private final LoginKeyRing keys = new LoginKeyRing(store, new RsaOaepKeyGenerator(), clock);
  private final LoginChallenges challenges =
      new LoginChallenges(
          new InMemoryChallengeStore(),
          Duration.ofMinutes(5),
          clock,
          new SecureRandom(),
          new byte[32]);
  private final JweLoginDecryptor decryptor = new JweLoginDecryptor(keys, challenges);

  private RSAKey loginKey;
  private String challenge;

  @BeforeEach
  void setUp() {
    store.add(new LoginKey(KEY_PAIR, clock.instant()));
    loginKey = keys.current().publicJwk();
    challenge = challenges.issue().value();
  }

  /**
   * What the login page's script does: WebCrypto RSA-OAEP (SHA-256) wrapping an AES-256-GCM key.
   */
  private static String browserJwe(RSAKey to, String payloadJson) throws Exception {
    return encrypt(
        to,
        new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
            .keyID(to.getKeyID())
            .build(),
        payloadJson);
  }

  private static String encrypt(RSAKey to, JWEHeader header, String payloadJson) throws Exception {
    JWEObject jwe = new JWEObject(header, new Payload(payloadJson));
    jwe.encrypt(new RSAEncrypter(to));
    return jwe.serialize();
  }

  private static String json(String username, String password, String challenge) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("username", username);
    m.put("password", password);
    m.put("challenge", challenge);
    return JSONObjectUtils.toJSONString(m);
  }

  private String validPayload() {
    return json("alice@example.org", "correct horse battery", challenge);
  }

  private static void assertRejected(Reason reason, Executable call) {
    LoginRejectedException e = assertThrows(LoginRejectedException.class, call);
    assertEquals(reason, e.reason());
    assertEquals(reason.message(), e.getMessage());
    assertEquals(null, e.getCause());
  }

  @Test
  void decryptReturnsTheCredentialsOfABrowserJwe() throws Exception {
    LoginCredentials credentials = decryptor.decrypt(browserJwe(loginKey, validPayload()));

    assertEquals("alice@example.org", credentials.username());
    assertEquals("correct horse battery", credentials.password());
    assertFalse(credentials.toString().contains("correct horse"));
  }

  @Test
  void decryptAcceptsNonAsciiCredentials() throws Exception {
    LoginCredentials credentials =
        decryptor.decrypt(browserJwe(loginKey, json("jürgen", "pässwörd \uD83D\uDD12", challenge)));

    assertEquals("jürgen", credentials.username());
    assertEquals("pässwörd \uD83D\uDD12", credentials.password());
  }

  @Test
  void decryptAcceptsThePreviousKeyDuringTheGracePeriod() throws Exception {
    clock.advance(Duration.ofDays(1));
    keys.rotateIfDue();
    clock.advance(Duration.ofMinutes(30));
    String freshChallenge = challenges.issue().value();

    LoginCredentials credentials =
        decryptor.decrypt(
            browserJwe(loginKey, json("alice@example.org", "pw-pw-pw", freshChallenge)));

    assertEquals("alice@example.org", credentials.username());
  }

  @Test
  void decryptRejectsAKeyPastItsGracePeriod() throws Exception {
    clock.advance(Duration.ofDays(1));
    keys.rotateIfDue();
    clock.advance(Duration.ofHours(2));
    String freshChallenge = challenges.issue().value();
    String jwe = browserJwe(loginKey, json("alice", "pw-pw-pw-pw", freshChallenge));

    assertRejected(Reason.UNKNOWN_KEY, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsAnOversizedJwe() {
    String huge = "e".repeat(JweLoginDecryptor.MAX_COMPACT_LENGTH + 1);

    assertRejected(Reason.JWE_TOO_LARGE, () -> decryptor.decrypt(huge));
  }

  @Test
  void decryptRejectsAMalformedJwe() {
    assertRejected(Reason.MALFORMED_JWE, () -> decryptor.decrypt("not.a.jwe"));
    assertRejected(Reason.MALFORMED_JWE, () -> decryptor.decrypt(""));
    assertRejected(Reason.MALFORMED_JWE, () -> decryptor.decrypt(null));
  }

  @Test
  void decryptRejectsATruncatedJwe() throws Exception {
    String jwe = browserJwe(loginKey, validPayload());
    String truncated = jwe.substring(0, jwe.lastIndexOf('.'));

    assertRejected(Reason.MALFORMED_JWE, () -> decryptor.decrypt(truncated));
  }

  @Test
  void decryptRejectsAJwsInsteadOfAJwe() {
    String jws = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VybmFtZSI6ImEifQ.c2ln";

    assertRejected(Reason.MALFORMED_JWE, () -> decryptor.decrypt(jws));
  }

  @Test
  void decryptRejectsWrongAlgorithm() throws Exception {
    @SuppressWarnings("deprecation")
    JWEHeader header =
        new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP, EncryptionMethod.A256GCM)
            .keyID(loginKey.getKeyID())
            .build();
    String jwe = encrypt(loginKey, header, validPayload());

    assertRejected(Reason.WRONG_ALGORITHM, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsRsa15EvenWithTheRightKey() throws Exception {
    @SuppressWarnings("deprecation")
    JWEHeader header =
        new JWEHeader.Builder(JWEAlgorithm.RSA1_5, EncryptionMethod.A256GCM)
            .keyID(loginKey.getKeyID())
            .build();
    String jwe = encrypt(loginKey, header, validPayload());

    assertRejected(Reason.WRONG_ALGORITHM, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsWrongEncryption() throws Exception {
    JWEHeader header =
        new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A128GCM)
            .keyID(loginKey.getKeyID())
            .build();
    String jwe = encrypt(loginKey, header, validPayload());

    assertRejected(Reason.WRONG_ENCRYPTION, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsACompressedPayload() throws Exception {
    JWEHeader header =
        new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
            .keyID(loginKey.getKeyID())
            .compressionAlgorithm(CompressionAlgorithm.DEF)
            .build();
    String jwe = encrypt(loginKey, header, validPayload());

    assertRejected(Reason.UNSUPPORTED_HEADER, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsUnknownKid() throws Exception {
    JWEHeader header =
        new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
            .keyID("someone-elses-key")
            .build();
    String jwe = encrypt(loginKey, header, validPayload());

    assertRejected(Reason.UNKNOWN_KEY, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsMissingKid() throws Exception {
    JWEHeader header =
        new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM).build();
    String jwe = encrypt(loginKey, header, validPayload());

    assertRejected(Reason.UNKNOWN_KEY, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsAJweEncryptedToAnotherKeyUnderOurKid() throws Exception {
    RSAKey other =
        new RsaOaepKeyGenerator().generate(loginKey.getKeyID(), Instant.EPOCH).toPublicJWK();
    String jwe = browserJwe(other, validPayload());

    assertRejected(Reason.DECRYPTION_FAILED, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsATamperedCiphertext() throws Exception {
    String[] parts = browserJwe(loginKey, validPayload()).split("\\.");
    char[] ciphertext = parts[3].toCharArray();
    ciphertext[0] = ciphertext[0] == 'A' ? 'B' : 'A';
    parts[3] = new String(ciphertext);
    String tampered = String.join(".", parts);

    assertRejected(Reason.DECRYPTION_FAILED, () -> decryptor.decrypt(tampered));
  }

  @Test
  void decryptRejectsATamperedHeader() throws Exception {
    // The protected header is GCM's additional data: changing it must fail authentication.
    String jwe = browserJwe(loginKey, validPayload());
    String[] parts = jwe.split("\\.");
    Map<String, Object> header = JSONObjectUtils.parse(JWEObject.parse(jwe).getHeader().toString());
    header.put("x", "y");
    parts[0] =
        com.nimbusds.jose.util.Base64URL.encode(JSONObjectUtils.toJSONString(header)).toString();
    String tampered = String.join(".", parts);

    assertRejected(Reason.DECRYPTION_FAILED, () -> decryptor.decrypt(tampered));
  }

  @Test
  void decryptRejectsAPayloadThatIsNotJson() throws Exception {
    String jwe = browserJwe(loginKey, "username=alice&password=secret");

    assertRejected(Reason.PAYLOAD_NOT_JSON, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsLenientJson() throws Exception {
    String jwe =
        browserJwe(loginKey, "{username:'alice',password:'secret',challenge:'" + challenge + "'}");

    assertRejected(Reason.PAYLOAD_NOT_JSON, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsAJsonNullPayload() throws Exception {
    String jwe = browserJwe(loginKey, "null");

    assertRejected(Reason.PAYLOAD_NOT_JSON, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsAJsonArrayPayload() throws Exception {
    String jwe = browserJwe(loginKey, "[\"alice\",\"secret\"]");

    assertRejected(Reason.PAYLOAD_NOT_JSON, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsDuplicateMembers() throws Exception {
    String jwe =
        browserJwe(
            loginKey,
            "{\"username\":\"alice\",\"password\":\"a\",\"password\":\"b\",\"challenge\":\""
                + challenge
                + "\"}");

    assertRejected(Reason.PAYLOAD_NOT_JSON, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsAMissingMember() throws Exception {
    String jwe = browserJwe(loginKey, "{\"username\":\"alice\",\"password\":\"secret\"}");

    assertRejected(Reason.WRONG_PAYLOAD_SHAPE, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsAnExtraMember() throws Exception {
    String jwe =
        browserJwe(
            loginKey,
            "{\"username\":\"alice\",\"password\":\"secret\",\"challenge\":\""
                + challenge
                + "\",\"admin\":true}");

    assertRejected(Reason.WRONG_PAYLOAD_SHAPE, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsANonStringMember() throws Exception {
    String jwe =
        browserJwe(
            loginKey,
            "{\"username\":\"alice\",\"password\":12345678,\"challenge\":\"" + challenge + "\"}");

    assertRejected(Reason.WRONG_PAYLOAD_SHAPE, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsAnEmptyPassword() throws Exception {
    String jwe = browserJwe(loginKey, json("alice", "", challenge));

    assertRejected(Reason.WRONG_PAYLOAD_SHAPE, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptAcceptsFieldsAtTheirLimits() throws Exception {
    String username = "u".repeat(JweLoginDecryptor.MAX_USERNAME_LENGTH);
    String password = "\uD83D\uDD12".repeat(JweLoginDecryptor.MAX_PASSWORD_LENGTH);

    LoginCredentials credentials =
        decryptor.decrypt(browserJwe(loginKey, json(username, password, challenge)));

    assertEquals(password, credentials.password());
  }

  @Test
  void decryptRejectsAnOversizedUsername() throws Exception {
    String jwe =
        browserJwe(
            loginKey,
            json("u".repeat(JweLoginDecryptor.MAX_USERNAME_LENGTH + 1), "secret!!", challenge));

    assertRejected(Reason.FIELD_TOO_LONG, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsAnOversizedPasswordWithoutQuotingIt() throws Exception {
    String password = "p".repeat(JweLoginDecryptor.MAX_PASSWORD_LENGTH + 1);
    String jwe = browserJwe(loginKey, json("alice", password, challenge));

    LoginRejectedException e =
        assertThrows(LoginRejectedException.class, () -> decryptor.decrypt(jwe));
    assertEquals(Reason.FIELD_TOO_LONG, e.reason());
    assertFalse(e.getMessage().contains("ppp"));
  }

  @Test
  void decryptRejectsAnOversizedChallenge() throws Exception {
    String jwe = browserJwe(loginKey, json("alice", "secret!!", challenge + "A"));

    assertRejected(Reason.FIELD_TOO_LONG, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsAnUnknownChallenge() throws Exception {
    String jwe = browserJwe(loginKey, json("alice", "secret!!", "B".repeat(43)));

    assertRejected(Reason.UNKNOWN_CHALLENGE, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsAnExpiredChallenge() throws Exception {
    String jwe = browserJwe(loginKey, validPayload());
    clock.advance(Duration.ofMinutes(6));

    assertRejected(Reason.EXPIRED_CHALLENGE, () -> decryptor.decrypt(jwe));
  }

  @Test
  void decryptRejectsAReplayedJwe() throws Exception {
    String jwe = browserJwe(loginKey, validPayload());
    decryptor.decrypt(jwe);

    assertRejected(Reason.REPLAYED_CHALLENGE, () -> decryptor.decrypt(jwe));
  }

  @Test
  void aRejectedMessageDoesNotUseUpTheChallenge() throws Exception {
    String bad = browserJwe(loginKey, json("alice", "p".repeat(200), challenge));
    assertRejected(Reason.FIELD_TOO_LONG, () -> decryptor.decrypt(bad));

    decryptor.decrypt(browserJwe(loginKey, validPayload()));
  }

  @Test
  void challengeOfAnotherBrowserIsRefusedWithoutBeingUsedUp() throws Exception {
    String jwe = browserJwe(loginKey, validPayload());

    assertRejected(Reason.FOREIGN_CHALLENGE, () -> decryptor.decrypt(jwe, c -> false));
    assertEquals("alice@example.org", decryptor.decrypt(jwe, c -> true).username());
  }

  @Test
  void oneChallengeSubmittedTwiceAtOnceIsAcceptedExactlyOnce() throws Exception {
    String jwe = browserJwe(loginKey, validPayload());

    java.util.List<Object> results =
        org.cmsbroker.testing.Core.concurrently(2, () -> decryptor.decrypt(jwe, c -> true));

    assertEquals(
        1, results.stream().filter(r -> r instanceof LoginCredentials).count(), "" + results);
    assertEquals(
        1,
        results.stream()
            .filter(
                r ->
                    r instanceof LoginRejectedException e
                        && e.reason() == Reason.REPLAYED_CHALLENGE)
            .count(),
        "" + results);
  }
}
