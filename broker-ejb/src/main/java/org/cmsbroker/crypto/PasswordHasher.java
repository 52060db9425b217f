package org.cmsbroker.crypto;

/**
 * Hashes and verifies passwords. Encoded hashes carry their own algorithm and parameters, so
 * parameters can be raised later and old hashes upgraded at the next successful login.
 *
 * <p>Implementations are thread-safe. Passwords are taken as {@code char[]} so callers can wipe
 * them; implementations never keep or log them. No argument may be {@code null}.
 */
public interface PasswordHasher {

  /** A new encoded hash of {@code password} with a fresh random salt and the configured cost. */
  String hash(char[] password);

  /**
   * Whether {@code password} matches {@code encodedHash}, compared in constant time.
   *
   * @throws IllegalArgumentException if {@code encodedHash} is not a hash this hasher can read
   *     (stored data is corrupt: a bug, not a wrong password)
   */
  boolean verify(char[] password, String encodedHash);

  /**
   * Whether {@code encodedHash} was made with weaker parameters than the configured ones, so the
   * caller should store {@link #hash(char[])} of the password after a successful {@link #verify}.
   *
   * @throws IllegalArgumentException if {@code encodedHash} is not a hash this hasher can read
   */
  boolean needsRehash(String encodedHash);

  /**
   * Does the work of one {@link #verify} at the configured cost against a hash that matches no
   * password, and returns {@code false}. For unknown accounts, so that response time does not
   * reveal which accounts exist.
   */
  boolean verifyDummy(char[] password);
}
