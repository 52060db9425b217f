package org.cmsbroker.crypto;

import jakarta.ejb.ApplicationException;
import java.time.Duration;

/**
 * Every password-hashing slot is taken and the short queue in front of them is full (or a place in
 * it did not come free in time): the caller should answer {@code 503} with {@code Retry-After}
 * rather than wait without bound. Not a failure of the password or the account; nothing was
 * checked.
 */
@ApplicationException(rollback = true)
public class PasswordHashingBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Duration retryAfter;

  public PasswordHashingBusyException(Duration retryAfter) {
    super("Password hashing is at capacity; try again shortly.", null, false, false);
    this.retryAfter = retryAfter;
  }

  /** How long the caller should wait before trying again. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
