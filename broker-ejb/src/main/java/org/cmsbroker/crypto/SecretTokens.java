package org.cmsbroker.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Bearer secrets the broker hands out (session cookies, reset links, codes, refresh tokens): 256
 * random bits in base64url (43 characters), stored only as their SHA-256. A fast hash is right for
 * them: they carry full entropy, unlike passwords.
 */
public final class SecretTokens {
  /** Length of a token from {@link #generate}. */
  public static final int LENGTH = 43;

  private SecretTokens() {}

  /** A new token of 256 random bits. */
  public static String generate(SecureRandom random) {
    return randomId("", 32, random);
  }

  /**
   * An unguessable identifier: {@code prefix} and {@code bytes} random bytes in base64url, for
   * example {@code pay_...} (payments), {@code rfd_...} (refunds), {@code msg_...} (callbacks).
   */
  public static String randomId(String prefix, int bytes, SecureRandom random) {
    byte[] value = new byte[bytes];
    random.nextBytes(value);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(value);
  }

  /** The stored form of a token: SHA-256, hex. */
  public static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
