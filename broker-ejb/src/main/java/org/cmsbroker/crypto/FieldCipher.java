package org.cmsbroker.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts confidential fields at rest with AES-256-GCM (random 96-bit nonce), and makes blind
 * lookup indexes (HMAC-SHA256) for fields that must be found by value. Thread-safe.
 *
 * <p>Every value is written as {@code v3:<key id>:<base64url(nonce | ciphertext | tag)>}, under the
 * current {@link DataKeys data key}, bound to its column and its row: the associated data is the
 * format, the key id, the field's name and the row's id, so a ciphertext copied to another row or
 * column does not decrypt, and {@code admin rotate-data-key} can re-encrypt every value under a new
 * key while the broker runs. Two older formats are still read: {@code v2:} (row-bound, under a key
 * derived from the master key) and {@code v1:} (bound to the column only; for fields whose name
 * carried the row, such as per-client secrets, to that row too). {@link #isCurrent} tells a caller
 * that a value should be rewritten on its next write of the row.
 */
public final class FieldCipher {
  private static final String V1 = "v1:";
  private static final String V2 = "v2:";
  private static final String V3 = "v3:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey legacyKey;
  private final byte[] indexKey;
  private final DataKeys dataKeys;
  private final SecureRandom random;

  public FieldCipher(MasterKey masterKey, DataKeys dataKeys, SecureRandom random) {
    this.legacyKey = masterKey.aesKey("field-encryption/v1");
    this.indexKey = masterKey.derive("lookup-index/v1");
    this.dataKeys = dataKeys;
    this.random = random;
  }

  /** The data keys this cipher writes and reads with. */
  public DataKeys dataKeys() {
    return dataKeys;
  }

  /**
   * Encrypts {@code plaintext} for the column {@code field} of the row {@code rowId} under the
   * current data key; null stays null. Only that row's {@link #decrypt} opens it.
   */
  public String encrypt(String field, String rowId, String plaintext) {
    if (rowId == null || rowId.isEmpty()) {
      throw new IllegalArgumentException("a row-bound value needs its row's id");
    }
    if (plaintext == null) {
      return null;
    }
    DataKeys.Key key = dataKeys.current();
    return V3 + key.id() + ":" + seal(key.key(), v3Aad(key.id(), field, rowId), plaintext);
  }

  /**
   * Decrypts the value of column {@code field} of row {@code rowId}: a {@code v3:} or {@code v2:}
   * value must have been encrypted for this very row and column; a {@code v1:} value (written
   * before row binding) for this column. Null stays null.
   *
   * @throws IllegalStateException when the value was altered, belongs to another row or column, its
   *     data key is unknown, or the master key changed
   */
  public String decrypt(String field, String rowId, String stored) {
    if (stored == null) {
      return null;
    }
    if (stored.startsWith(V3)) {
      int colon = stored.indexOf(':', V3.length());
      if (colon < 0) {
        throw undecryptable(field);
      }
      String keyId = stored.substring(V3.length(), colon);
      SecretKey key = dataKeys.find(keyId).orElseThrow(() -> undecryptable(field));
      return open(field, key, v3Aad(keyId, field, rowId), stored.substring(colon + 1));
    }
    if (stored.startsWith(V2)) {
      return open(field, legacyKey, aad(field, rowId), stored.substring(V2.length()));
    }
    if (stored.startsWith(V1)) {
      return open(field, legacyKey, aad(field, null), stored.substring(V1.length()));
    }
    throw new IllegalStateException("stored value of " + field + " is not encrypted");
  }

  /** Whether {@code stored} looks like a value of this cipher (any format), not plain text. */
  public static boolean isCiphertext(String stored) {
    return stored != null
        && (stored.startsWith(V3) || stored.startsWith(V2) || stored.startsWith(V1));
  }

  /**
   * Whether {@code stored} is null or written in the current format under the current data key;
   * false for a value that should be rewritten (an older format, or an older key).
   */
  public boolean isCurrent(String stored) {
    return stored == null || keyId(stored).filter(dataKeys.currentId()::equals).isPresent();
  }

  /** The data key id of a {@code v3:} value; empty for older formats and anything else. */
  public static Optional<String> keyId(String stored) {
    if (stored == null || !stored.startsWith(V3)) {
      return Optional.empty();
    }
    int colon = stored.indexOf(':', V3.length());
    return colon < 0 ? Optional.empty() : Optional.of(stored.substring(V3.length(), colon));
  }

  /** The start of every value written under data key {@code keyId}. */
  public static String prefix(String keyId) {
    return V3 + keyId + ":";
  }

  private static byte[] aad(String field, String rowId) {
    // Row-bound: the field's length first, so no split of field and row id reads as another.
    String data = rowId == null ? field : field.length() + ":" + field + "\u0000" + rowId;
    return data.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] v3Aad(String keyId, String field, String rowId) {
    if (rowId == null) {
      throw new IllegalArgumentException("a row-bound value needs its row's id");
    }
    return ("v3\u0000" + keyId + "\u0000" + field.length() + ":" + field + "\u0000" + rowId)
        .getBytes(StandardCharsets.UTF_8);
  }

  private String seal(SecretKey key, byte[] aad, String plaintext) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  private static IllegalStateException undecryptable(String field) {
    return new IllegalStateException(
        "stored value of "
            + field
            + " cannot be decrypted (altered, moved from another row, an unknown data key, or"
            + " another master key)");
  }

  private String open(String field, SecretKey key, byte[] aad, String encoded) {
    try {
      byte[] all = Base64.getUrlDecoder().decode(encoded);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      cipher.updateAAD(aad);
      return new String(
          cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw undecryptable(field);
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
