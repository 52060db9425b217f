package org.cmsbroker.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Client secrets: 256 random bits, base64url without padding (43 characters), stored as the
 * lower-case hex SHA-256 of their UTF-8 bytes. A secret that random cannot be guessed offline, so a
 * fast hash suffices (a slow one would only slow every token request). Thread-safe.
 */
final class ClientSecrets {
  static final int SECRET_BYTES = 32;

  /** Compared against when there is no usable stored hash, so every failure costs the same. */
  private static final byte[] NO_HASH = new byte[32];

  private final SecureRandom random;

  ClientSecrets(SecureRandom random) {
    this.random = random;
  }

  /** A new secret. */
  String newSecret() {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A new random client id: 32 lower-case hex digits. */
  String newClientId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The stored form of a secret. */
  static String hash(String secret) {
    return HexFormat.of().formatHex(sha256(secret));
  }

  /**
   * Whether {@code secret} hashes to {@code storedHash}, in time that does not depend on where they
   * differ. A null or malformed stored hash (no usable secret) costs the same and fails.
   */
  static boolean matches(String storedHash, String secret) {
    byte[] presented = sha256(secret == null ? "" : secret);
    byte[] expected = decode(storedHash);
    boolean usable = expected != null;
    boolean equal = MessageDigest.isEqual(usable ? expected : NO_HASH, presented);
    return usable && equal && secret != null && !secret.isEmpty();
  }

  private static byte[] decode(String hex) {
    if (hex == null || hex.length() != 64) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }
}
