package org.cmsbroker.login;

import java.time.Instant;
import java.util.Optional;

/**
 * What {@link LoginThrottle#check} says: go ahead, or wait until an instant. Immutable.
 *
 * @param lockedUntil empty if a login attempt is allowed now
 * @param accountLimitReached whether the wait is the hourly lock of the account (show it to the
 *     user as a lockout) rather than a growing delay
 */
public record ThrottleDecision(Optional<Instant> lockedUntil, boolean accountLimitReached) {

  static final ThrottleDecision ALLOWED = new ThrottleDecision(Optional.empty(), false);

  static ThrottleDecision lockedUntil(Instant until, boolean accountLimitReached) {
    return new ThrottleDecision(Optional.of(until), accountLimitReached);
  }

  public boolean allowed() {
    return lockedUntil.isEmpty();
  }
}
