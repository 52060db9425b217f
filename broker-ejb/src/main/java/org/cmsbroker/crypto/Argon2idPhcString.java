package org.cmsbroker.crypto;

import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Argon2id hash in the PHC string format of the reference implementation: {@code
 * $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>}, salt and hash in standard Base64
 * without padding. Only version 1.3 ({@code v=19}) is written or read. Immutable (arrays are copied
 * in and out).
 */
final class Argon2idPhcString {

  static final int MIN_SALT_BYTES = 8;
  static final int MAX_SALT_BYTES = 64;
  static final int MIN_HASH_BYTES = 16;
  static final int MAX_HASH_BYTES = 64;

  private static final Pattern FORMAT =
      Pattern.compile(
          "\\$argon2id\\$v=19\\$m=([1-9][0-9]{0,9}),t=([1-9][0-9]{0,2}),p=([1-9][0-9]{0,1})"
              + "\\$([A-Za-z0-9+/]{11,86})\\$([A-Za-z0-9+/]{22,86})");

  private final Argon2idParameters parameters;
  private final byte[] salt;
  private final byte[] hash;

  Argon2idPhcString(Argon2idParameters parameters, byte[] salt, byte[] hash) {
    this.parameters = parameters;
    this.salt = salt.clone();
    this.hash = hash.clone();
  }

  /**
   * @throws IllegalArgumentException if {@code encoded} is not an Argon2id v1.3 PHC string with
   *     parameters, salt and hash in range
   */
  static Argon2idPhcString parse(String encoded) {
    Matcher m = FORMAT.matcher(encoded);
    if (!m.matches()) {
      throw new IllegalArgumentException("Not an argon2id v=19 PHC string");
    }
    long memory = Long.parseLong(m.group(1));
    if (memory > Argon2idParameters.MAX_MEMORY_KIB) {
      throw new IllegalArgumentException("Argon2id memory in stored hash out of range");
    }
    Argon2idParameters parameters =
        new Argon2idParameters(
            (int) memory, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    byte[] salt = Base64.getDecoder().decode(m.group(4));
    byte[] hash = Base64.getDecoder().decode(m.group(5));
    if (salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES) {
      throw new IllegalArgumentException("Argon2id salt length in stored hash out of range");
    }
    if (hash.length < MIN_HASH_BYTES || hash.length > MAX_HASH_BYTES) {
      throw new IllegalArgumentException("Argon2id hash length in stored hash out of range");
    }
    return new Argon2idPhcString(parameters, salt, hash);
  }

  String encode() {
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return "$argon2id$v=19$m="
        + parameters.memoryKiB()
        + ",t="
        + parameters.iterations()
        + ",p="
        + parameters.parallelism()
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(hash);
  }

  Argon2idParameters parameters() {
    return parameters;
  }

  byte[] salt() {
    return salt.clone();
  }

  byte[] hash() {
    return hash.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Argon2idPhcString other
        && parameters.equals(other.parameters)
        && Arrays.equals(salt, other.salt)
        && Arrays.equals(hash, other.hash);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * parameters.hashCode() + Arrays.hashCode(salt)) + Arrays.hashCode(hash);
  }
}
