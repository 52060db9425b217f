package org.cmsbroker.grid;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.cmsbroker.settings.Rules;

/**
 * What protects the broker's entries in the data grid, with two keys derived from the cluster
 * secret by HKDF-SHA256 (RFC 5869), one per purpose:
 *
 * <ul>
 *   <li>entry names: HMAC-SHA256 of the map and the broker's key ({@link #name}), so the grid holds
 *       no account names, addresses or code hashes in the clear;
 *   <li>entry values: AES-256-GCM with a random 96-bit nonce, the map and the entry name as
 *       associated data ({@link #seal}, {@link #open}), so whoever reads the grid learns nothing
 *       and whoever writes to it cannot forge a value or move one to another entry.
 * </ul>
 *
 * Sealed layout: version byte {@code 1}, 12-byte nonce, ciphertext with its 16-byte tag. Immutable
 * and thread-safe.
 */
public final class GridCipher {
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] SALT = "cms-broker data grid".getBytes(StandardCharsets.US_ASCII);

  private final SecretKeySpec valueKey;
  private final SecretKeySpec nameKey;
  private final SecureRandom random;

  /**
   * @param secret the cluster secret, at least {@link Rules#CLUSTER_SECRET_MIN_CHARACTERS}
   *     characters
   * @throws IllegalArgumentException if the secret is too short
   */
  public GridCipher(String secret, SecureRandom random) {
    if (secret == null || secret.length() < Rules.CLUSTER_SECRET_MIN_CHARACTERS) {
      throw new IllegalArgumentException("The cluster secret is too short");
    }
    this.random = Objects.requireNonNull(random, "random");
    byte[] ikm = secret.getBytes(StandardCharsets.UTF_8);
    byte[] value = derive(ikm, "grid-values/v1");
    byte[] name = derive(ikm, "grid-names/v1");
    this.valueKey = new SecretKeySpec(value, "AES");
    this.nameKey = new SecretKeySpec(name, "HmacSHA256");
    Arrays.fill(value, (byte) 0);
    Arrays.fill(name, (byte) 0);
    Arrays.fill(ikm, (byte) 0);
  }

  private static byte[] derive(byte[] ikm, String purpose) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(ikm, SALT, purpose.getBytes(StandardCharsets.US_ASCII)));
    byte[] out = new byte[32];
    hkdf.generateBytes(out, 0, out.length);
    return out;
  }

  /** The grid's name for {@code key} in {@code map}: 43 characters of Base64url. */
  public String name(String map, String key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(nameKey);
      mac.update(map.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(key.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** Encrypts {@code plaintext} for the entry {@code name} of {@code map}. */
  public byte[] seal(String map, String name, byte[] plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, valueKey, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(map, name));
      byte[] sealed = cipher.doFinal(plaintext);
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
          .put(VERSION)
          .put(nonce)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * Decrypts what {@link #seal} made for the same entry.
   *
   * @throws GridIntegrityException if the value was not sealed under this secret for this entry
   */
  public byte[] open(String map, String name, byte[] sealed) throws GridIntegrityException {
    if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
      throw new GridIntegrityException();
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          valueKey,
          new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES)));
      cipher.updateAAD(associatedData(map, name));
      return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new GridIntegrityException();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  private static byte[] associatedData(String map, String name) {
    return (map + "\0" + name).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "GridCipher[****]";
  }
}
