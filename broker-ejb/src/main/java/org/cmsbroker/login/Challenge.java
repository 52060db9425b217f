package org.cmsbroker.login;

import java.time.Instant;
import java.util.Objects;

/**
 * A single-use login challenge as handed to the login page. Immutable.
 *
 * @param value 256 random bits, Base64url without padding ({@value LoginChallenges#LENGTH} chars)
 * @param expiresAt when it stops being accepted
 */
public record Challenge(String value, Instant expiresAt) {
  public Challenge {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
