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
import java.util.function.Predicate;
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

  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";
  public static final String CHALLENGE = "challenge";

  /** Member name of the new password in the password-change and reset forms. */
  public static final String NEW_PASSWORD = "new_password";

  /** The login form's members. */
  public static final Set<String> MEMBERS = Set.of(USERNAME, PASSWORD, CHALLENGE);

  private static final Map<String, Integer> LIMITS =
      Map.of(
          USERNAME, MAX_USERNAME_LENGTH,
          PASSWORD, MAX_PASSWORD_LENGTH,
          NEW_PASSWORD, MAX_PASSWORD_LENGTH,
          CHALLENGE, LoginChallenges.LENGTH);

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
    return decrypt(compactJwe, challenge -> true);
  }

  /**
   * As {@link #decrypt(String)}, and the challenge must also satisfy {@code boundToClient} (for
   * example: it was issued to the browser that holds this login cookie) before it is consumed, so a
   * message captured or crafted elsewhere cannot log this browser in.
   */
  public LoginCredentials decrypt(String compactJwe, Predicate<String> boundToClient)
      throws LoginRejectedException {
    Map<String, String> fields = decryptForm(compactJwe, MEMBERS, boundToClient);
    return new LoginCredentials(fields.get(USERNAME), fields.get(PASSWORD));
  }

  /**
   * Decrypts an encrypted form with exactly the members {@code members} (each a non-empty string
   * within its limit; {@code challenge} always among them), checks the challenge against {@code
   * boundToClient}, then consumes it. The password-change and reset forms use this with {@code
   * new_password}.
   */
  public Map<String, String> decryptForm(
      String compactJwe, Set<String> members, Predicate<String> boundToClient)
      throws LoginRejectedException {
    if (!members.contains(CHALLENGE) || !LIMITS.keySet().containsAll(members)) {
      throw new IllegalArgumentException("unsupported form members " + members);
    }
    JWEObject jwe = parse(compactJwe);
    LoginKey key = checkHeader(jwe.getHeader());
    Map<String, Object> payload = decryptPayload(jwe, key);
    Map<String, String> fields = checkPayload(payload, members);
    String challenge = fields.get(CHALLENGE);
    if (!boundToClient.test(challenge)) {
      throw new LoginRejectedException(Reason.FOREIGN_CHALLENGE);
    }
    challenges.consume(challenge);
    return fields;
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
    Map<String, Object> payload;
    try {
      payload = JSONObjectUtils.parse(jwe.getPayload().toString());
    } catch (ParseException | RuntimeException e) {
      throw new LoginRejectedException(Reason.PAYLOAD_NOT_JSON);
    }
    if (payload == null) {
      // The JSON text "null" parses to no object at all.
      throw new LoginRejectedException(Reason.PAYLOAD_NOT_JSON);
    }
    return payload;
  }

  private static Map<String, String> checkPayload(Map<String, Object> payload, Set<String> members)
      throws LoginRejectedException {
    if (!payload.keySet().equals(members)) {
      throw new LoginRejectedException(Reason.WRONG_PAYLOAD_SHAPE);
    }
    Map<String, String> fields = new java.util.HashMap<>();
    for (String member : members) {
      if (!(payload.get(member) instanceof String value) || value.isEmpty()) {
        throw new LoginRejectedException(Reason.WRONG_PAYLOAD_SHAPE);
      }
      fields.put(member, value);
    }
    for (String member : members) {
      String value = fields.get(member);
      int length = member.equals(CHALLENGE) ? value.length() : codePoints(value);
      if (length > LIMITS.get(member)) {
        throw new LoginRejectedException(Reason.FIELD_TOO_LONG);
      }
    }
    return Map.copyOf(fields);
  }

  private static int codePoints(String s) {
    return s.codePointCount(0, s.length());
  }
}
