package org.cmsbroker.login;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.cmsbroker.login.LoginRejectedException.Reason;

/**
 * Opens the login page's message: a compact JWE of {@code {"username","password","challenge"}},
 * encrypted by the browser's WebCrypto to the current login key.
 *
 * <p>Verifies in ordered steps, each failure its own {@link Reason}: size of the compact string;
 * parse; {@code alg} must be {@code RSA-OAEP-256} and {@code enc} {@code A256GCM} (pinned here,
 * never taken from the header); no {@code zip} or {@code crit}; {@code kid} must name a current or
 * grace-period login key; decrypt; the payload must be a JSON object with exactly the three string
 * members, within their length limits; finally the challenge is consumed (single use, unexpired).
 *
 * <p>Thread-safe.
 */
public final class JweLoginDecryptor {

  /** The only key encryption accepted. */
  public static final JWEAlgorithm ALGORITHM = JWEAlgorithm.RSA_OAEP_256;

  /** The only content encryption accepted. */
  public static final EncryptionMethod ENCRYPTION = EncryptionMethod.A256GCM;

  /**
   * Longest compact JWE read. A 3072-bit key's encrypted CEK is 512 characters; the largest valid
   * payload (254 + 128 characters, each up to a 6-character JSON escape) stays well below this.
   */
  public static final int MAX_COMPACT_LENGTH = 8 * 1024;

  /** RFC 5321's longest email address; counted in Unicode code points. */
  public static final int MAX_USERNAME_LENGTH = 254;

  /** The longest password the policy allows; counted in Unicode code points, never truncated. */
  public static final int MAX_PASSWORD_LENGTH = 128;

  static final String USERNAME = "username";
  static final String PASSWORD = "password";
  static final String CHALLENGE = "challenge";

  private static final Set<String> MEMBERS = Set.of(USERNAME, PASSWORD, CHALLENGE);

  private final LoginKeyRing keys;
  private final LoginChallenges challenges;

  public JweLoginDecryptor(LoginKeyRing keys, LoginChallenges challenges) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.challenges = Objects.requireNonNull(challenges, "challenges");
  }

  /**
   * Decrypts and checks a login message, consuming its challenge.
   *
   * @param compactJwe the JWE in compact serialisation, as submitted
   * @return the username and password, not yet verified against any account
   * @throws LoginRejectedException if any step fails; its {@link Reason} says which
   */
  public LoginCredentials decrypt(String compactJwe) throws LoginRejectedException {
    JWEObject jwe = parse(compactJwe);
    LoginKey key = checkHeader(jwe.getHeader());
    Map<String, Object> payload = decryptPayload(jwe, key);
    LoginCredentials credentials = checkPayload(payload);
    challenges.consume((String) payload.get(CHALLENGE));
    return credentials;
  }

  private static JWEObject parse(String compactJwe) throws LoginRejectedException {
    if (compactJwe == null) {
      throw new LoginRejectedException(Reason.MALFORMED_JWE);
    }
    if (compactJwe.length() > MAX_COMPACT_LENGTH) {
      throw new LoginRejectedException(Reason.JWE_TOO_LARGE);
    }
    try {
      return JWEObject.parse(compactJwe);
    } catch (ParseException | RuntimeException e) {
      throw new LoginRejectedException(Reason.MALFORMED_JWE);
    }
  }

  private LoginKey checkHeader(JWEHeader header) throws LoginRejectedException {
    if (!ALGORITHM.equals(header.getAlgorithm())) {
      throw new LoginRejectedException(Reason.WRONG_ALGORITHM);
    }
    if (!ENCRYPTION.equals(header.getEncryptionMethod())) {
      throw new LoginRejectedException(Reason.WRONG_ENCRYPTION);
    }
    // WebCrypto never compresses (and inflating is a decompression-bomb lever); no extension is
    // understood here, so a critical one must fail.
    if (header.getCompressionAlgorithm() != null || header.getCriticalParams() != null) {
      throw new LoginRejectedException(Reason.UNSUPPORTED_HEADER);
    }
    return keys.findAccepted(header.getKeyID())
        .orElseThrow(() -> new LoginRejectedException(Reason.UNKNOWN_KEY));
  }

  private static Map<String, Object> decryptPayload(JWEObject jwe, LoginKey key)
      throws LoginRejectedException {
    try {
      jwe.decrypt(new RSADecrypter(key.privateJwk()));
    } catch (JOSEException | RuntimeException e) {
      throw new LoginRejectedException(Reason.DECRYPTION_FAILED);
    }
    try {
      return JSONObjectUtils.parse(jwe.getPayload().toString());
    } catch (ParseException | RuntimeException e) {
      throw new LoginRejectedException(Reason.PAYLOAD_NOT_JSON);
    }
  }

  private static LoginCredentials checkPayload(Map<String, Object> payload)
      throws LoginRejectedException {
    if (!payload.keySet().equals(MEMBERS)) {
      throw new LoginRejectedException(Reason.WRONG_PAYLOAD_SHAPE);
    }
    for (String member : MEMBERS) {
      if (!(payload.get(member) instanceof String value) || value.isEmpty()) {
        throw new LoginRejectedException(Reason.WRONG_PAYLOAD_SHAPE);
      }
    }
    String username = (String) payload.get(USERNAME);
    String password = (String) payload.get(PASSWORD);
    String challenge = (String) payload.get(CHALLENGE);
    if (codePoints(username) > MAX_USERNAME_LENGTH
        || codePoints(password) > MAX_PASSWORD_LENGTH
        || challenge.length() > LoginChallenges.LENGTH) {
      throw new LoginRejectedException(Reason.FIELD_TOO_LONG);
    }
    return new LoginCredentials(username, password);
  }

  private static int codePoints(String s) {
    return s.codePointCount(0, s.length());
  }
}
