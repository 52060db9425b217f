package org.cmsbroker.account;

import java.time.Instant;
import java.util.List;

/**
 * An account as the rest of the broker sees it, confidential fields decrypted. Immutable. Carries
 * no password hash.
 *
 * @param id immutable random id (the OIDC {@code sub})
 * @param username as registered
 * @param email the address
 * @param emailVerified whether the address was verified
 * @param givenName may be null
 * @param familyName may be null
 * @param roles role names, possibly empty
 * @param state active or disabled
 * @param lockedUntil an administrator's or the throttle's lock, or null
 * @param createdAt when the account was made
 * @param lastLoginAt last successful login, or null
 */
public record AccountView(
    String id,
    String username,
    String email,
    boolean emailVerified,
    String givenName,
    String familyName,
    List<String> roles,
    Account.State state,
    Instant lockedUntil,
    Instant createdAt,
    Instant lastLoginAt) {

  /** Given and family name joined, or the username when there is neither. */
  public String displayName() {
    String name =
        ((givenName == null ? "" : givenName) + " " + (familyName == null ? "" : familyName))
            .trim();
    return name.isEmpty() ? username : name;
  }

  @Override
  public String toString() {
    return "AccountView[id=" + id + ", state=" + state + "]";
  }
}
