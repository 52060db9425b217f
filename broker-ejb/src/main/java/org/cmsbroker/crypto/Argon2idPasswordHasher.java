package org.cmsbroker.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing with Bouncy Castle's {@link Argon2BytesGenerator}; hashes are PHC
 * strings ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}) readable by the reference
 * implementation. 16-byte random salt, 32-byte hash. Thread-safe.
 */
public final class Argon2idPasswordHasher implements PasswordHasher {

  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;

  private final Argon2idParameters parameters;
  private final SecureRandom random;
  private final Argon2idPhcString dummy;

  /** A hasher with the OWASP default parameters. */
  public Argon2idPasswordHasher() {
    this(Argon2idParameters.OWASP_DEFAULT, new SecureRandom());
  }

  /**
   * @param parameters the cost of new hashes and of the dummy verification
   * @param random source of salts
   */
  public Argon2idPasswordHasher(Argon2idParameters parameters, SecureRandom random) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.random = Objects.requireNonNull(random, "random");
    // A hash of a random secret nobody knows: verifying against it costs exactly what a real
    // verification at the configured parameters costs, and never succeeds.
    byte[] unknowable = new byte[HASH_BYTES];
    random.nextBytes(unknowable);
    this.dummy = new Argon2idPhcString(parameters, salt(), unknowable);
  }

  /** The parameters of new hashes. */
  public Argon2idParameters parameters() {
    return parameters;
  }

  @Override
  public String hash(char[] password) {
    Objects.requireNonNull(password, "password");
    byte[] salt = salt();
    return new Argon2idPhcString(parameters, salt, derive(password, salt, parameters, HASH_BYTES))
        .encode();
  }

  @Override
  public boolean verify(char[] password, String encodedHash) {
    Objects.requireNonNull(password, "password");
    return matches(password, Argon2idPhcString.parse(encodedHash));
  }

  @Override
  public boolean needsRehash(String encodedHash) {
    Argon2idPhcString stored = Argon2idPhcString.parse(encodedHash);
    return stored.parameters().weakerThan(parameters)
        || stored.salt().length < SALT_BYTES
        || stored.hash().length < HASH_BYTES;
  }

  @Override
  public boolean verifyDummy(char[] password) {
    Objects.requireNonNull(password, "password");
    matches(password, dummy);
    return false;
  }

  private static boolean matches(char[] password, Argon2idPhcString stored) {
    byte[] expected = stored.hash();
    byte[] actual = derive(password, stored.salt(), stored.parameters(), expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  private byte[] salt() {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return salt;
  }

  private static byte[] derive(
      char[] password, byte[] salt, Argon2idParameters parameters, int length) {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(parameters.memoryKiB())
            .withIterations(parameters.iterations())
            .withParallelism(parameters.parallelism())
            .withSalt(salt)
            .build());
    byte[] out = new byte[length];
    // Bouncy Castle encodes the password as UTF-8, as the reference implementation's callers do.
    generator.generateBytes(password, out);
    return out;
  }
}
