package org.cmsbroker.login;

import java.util.Objects;

/**
 * A username and password taken from a decrypted, challenge-checked login message. Immutable;
 * {@link #toString()} shows neither field (a username is often an email address: confidential).
 *
 * @param username as typed (at most 254 characters), not yet normalised or looked up
 * @param password as typed (at most 128 characters); hash-verify it, then drop it
 */
public record LoginCredentials(String username, String password) {

  public LoginCredentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** The password as a new array the caller can wipe after use. */
  public char[] passwordChars() {
    return password.toCharArray();
  }

  @Override
  public String toString() {
    return "LoginCredentials[(redacted)]";
  }
}
