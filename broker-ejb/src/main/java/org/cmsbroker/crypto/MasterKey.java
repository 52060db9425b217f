package org.cmsbroker.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The broker's 256-bit master secret, from which purpose-bound keys are derived with HKDF-SHA256
 * (RFC 5869), one per use, so no key ever serves two purposes. Immutable; never printed.
 */
public final class MasterKey {
  /** Length of the master secret. */
  public static final int LENGTH = 32;

  private final byte[] secret;

  private MasterKey(byte[] secret) {
    this.secret = secret.clone();
  }

  /**
   * From its base64 form.
   *
   * @throws IllegalArgumentException when not base64 or not exactly 32 bytes (a misconfiguration)
   */
  public static MasterKey fromBase64(String encoded) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the master key is not base64");
    }
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("the master key must be 32 bytes (256 bits)");
    }
    return new MasterKey(bytes);
  }

  /** A new random master key. */
  public static MasterKey generate(SecureRandom random) {
    byte[] bytes = new byte[LENGTH];
    random.nextBytes(bytes);
    return new MasterKey(bytes);
  }

  /** The base64 form, for storing in the data directory only. */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(secret);
  }

  /** A 256-bit key for one purpose, for example {@code "field-encryption/v1"}. */
  public byte[] derive(String purpose) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(secret, null, purpose.getBytes(StandardCharsets.UTF_8)));
    byte[] out = new byte[32];
    hkdf.generateBytes(out, 0, out.length);
    return out;
  }

  /** An AES key for one purpose. */
  public SecretKey aesKey(String purpose) {
    byte[] key = derive(purpose);
    try {
      return new SecretKeySpec(key, "AES");
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "MasterKey[****]";
  }
}
