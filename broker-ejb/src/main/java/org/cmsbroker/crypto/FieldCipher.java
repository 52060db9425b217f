package org.cmsbroker.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts confidential fields at rest with AES-256-GCM (random 96-bit nonce), and makes blind
 * lookup indexes (HMAC-SHA256) for fields that must be found by value. Thread-safe.
 *
 * <p>Two formats, told apart by their prefix. {@code v2:} (personal fields, {@link #encrypt(String,
 * String, String)}) binds the value to its column and its row: the associated data is the field's
 * name and the row's id, so a ciphertext copied to another row or column does not decrypt. {@code
 * v1:} ({@link #encrypt(String, String)}) binds the column only; it is still written for values
 * that are not personal data of a row (keys, per-client secrets whose field names the client), and
 * read for personal fields written before v2: {@link #decrypt(String, String, String)} accepts a
 * {@code v1:} value there, and {@link #isRowBound} tells the caller to rewrite it as {@code v2:} on
 * its next write of the row.
 */
public final class FieldCipher {
  private static final String PREFIX = "v1:";
  private static final String ROW_BOUND = "v2:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey encryptionKey;
  private final byte[] indexKey;
  private final SecureRandom random;

  public FieldCipher(MasterKey masterKey, SecureRandom random) {
    this.encryptionKey = masterKey.aesKey("field-encryption/v1");
    this.indexKey = masterKey.derive("lookup-index/v1");
    this.random = random;
  }

  /** Encrypts {@code plaintext} for the column {@code field}; null stays null. */
  public String encrypt(String field, String plaintext) {
    return seal(PREFIX, aad(field, null), plaintext);
  }

  /**
   * Encrypts {@code plaintext} for the column {@code field} of the row {@code rowId}; null stays
   * null. Only that row's {@link #decrypt(String, String, String)} opens it.
   */
  public String encrypt(String field, String rowId, String plaintext) {
    if (rowId == null || rowId.isEmpty()) {
      throw new IllegalArgumentException("a row-bound value needs its row's id");
    }
    return seal(ROW_BOUND, aad(field, rowId), plaintext);
  }

  /**
   * Decrypts a value written by {@link #encrypt(String, String)}; null stays null.
   *
   * @throws IllegalStateException when the value was altered or the master key changed
   */
  public String decrypt(String field, String stored) {
    if (stored == null) {
      return null;
    }
    if (!stored.startsWith(PREFIX)) {
      throw new IllegalStateException("stored value of " + field + " is not encrypted");
    }
    return open(field, aad(field, null), stored.substring(PREFIX.length()));
  }

  /**
   * Decrypts the value of column {@code field} of row {@code rowId}: a {@code v2:} value must have
   * been encrypted for this very row; a {@code v1:} value (written before row binding) is read as
   * before. Null stays null.
   *
   * @throws IllegalStateException when the value was altered, belongs to another row or column, or
   *     the master key changed
   */
  public String decrypt(String field, String rowId, String stored) {
    if (stored == null) {
      return null;
    }
    if (stored.startsWith(ROW_BOUND)) {
      return open(field, aad(field, rowId), stored.substring(ROW_BOUND.length()));
    }
    return decrypt(field, stored);
  }

  /** Whether {@code stored} is null or bound to its row; false for a legacy {@code v1:} value. */
  public static boolean isRowBound(String stored) {
    return stored == null || stored.startsWith(ROW_BOUND);
  }

  private static byte[] aad(String field, String rowId) {
    // Row-bound: the field's length first, so no split of field and row id reads as another.
    String data = rowId == null ? field : field.length() + ":" + field + "\u0000" + rowId;
    return data.getBytes(StandardCharsets.UTF_8);
  }

  private String seal(String prefix, byte[] aad, String plaintext) {
    if (plaintext == null) {
      return null;
    }
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return prefix
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(
                  ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  private String open(String field, byte[] aad, String encoded) {
    try {
      byte[] all = Base64.getUrlDecoder().decode(encoded);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      cipher.updateAAD(aad);
      return new String(
          cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "stored value of "
              + field
              + " cannot be decrypted (altered, moved from another row, or another master key)");
    }
  }

  /** A deterministic, keyed index of {@code value} for lookups (hex HMAC-SHA256). */
  public String index(String field, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(indexKey, "HmacSHA256"));
      mac.update(field.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
