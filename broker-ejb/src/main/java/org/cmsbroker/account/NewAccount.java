package org.cmsbroker.account;

import java.util.List;

/**
 * What an administrator gives to create an account. Immutable; validated by {@link
 * AccountService#create}.
 *
 * @param username unique, compared case-insensitively
 * @param email address
 * @param emailVerified whether the administrator vouches for the address
 * @param givenName may be null
 * @param familyName may be null
 * @param roles role names, possibly empty
 */
public record NewAccount(
    String username,
    String email,
    boolean emailVerified,
    String givenName,
    String familyName,
    List<String> roles) {

  public NewAccount {
    roles = roles == null ? List.of() : List.copyOf(roles);
  }

  /** Splits a full name at its last space into given and family name. */
  public static String[] splitName(String fullName) {
    if (fullName == null || fullName.isBlank()) {
      return new String[] {null, null};
    }
    String name = fullName.trim();
    int space = name.lastIndexOf(' ');
    return space < 0
        ? new String[] {name, null}
        : new String[] {name.substring(0, space).trim(), name.substring(space + 1)};
  }
}
