package org.cmsbroker.account;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Validation and normalisation of account fields. Stateless. */
final class AccountRules {
  static final int MAX_USERNAME = 254;
  static final int MAX_EMAIL = 254;
  static final int MAX_NAME = 128;
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}$");
  private static final Pattern ROLE = Pattern.compile("^[A-Za-z0-9_.:-]{1,64}$");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\p{Cf}\\p{Zl}\\p{Zp}]");

  private AccountRules() {}

  /** The key under which a username is unique: NFKC, lower case. */
  static String usernameKey(String username) {
    return Normalizer.normalize(username.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
  }

  static String username(String value) throws AccountException {
    String u = value == null ? "" : Normalizer.normalize(value.strip(), Normalizer.Form.NFKC);
    if (u.isEmpty()
        || u.codePointCount(0, u.length()) > MAX_USERNAME
        || CONTROL.matcher(u).find()
        || u.chars().anyMatch(Character::isWhitespace)) {
      throw new AccountException(
          AccountException.Reason.INVALID_USERNAME,
          "A username is 1 to "
              + MAX_USERNAME
              + " characters without spaces or control characters.");
    }
    return u;
  }

  static String email(String value) throws AccountException {
    String e = value == null ? "" : value.strip();
    if (e.length() > MAX_EMAIL || !EMAIL.matcher(e).matches() || CONTROL.matcher(e).find()) {
      throw new AccountException(
          AccountException.Reason.INVALID_EMAIL, "The email address is not valid.");
    }
    return e;
  }

  /** The form of an address used for lookups. */
  static String emailKey(String email) {
    return email.strip().toLowerCase(Locale.ROOT);
  }

  static String name(String value) throws AccountException {
    if (value == null || value.isBlank()) {
      return null;
    }
    String n = value.strip();
    if (n.codePointCount(0, n.length()) > MAX_NAME || CONTROL.matcher(n).find()) {
      throw new AccountException(
          AccountException.Reason.INVALID_NAME,
          "A name is at most " + MAX_NAME + " characters without control characters.");
    }
    return n;
  }

  static String roles(List<String> roles) throws AccountException {
    for (String role : roles) {
      if (!ROLE.matcher(role).matches()) {
        throw new AccountException(
            AccountException.Reason.INVALID_ROLE,
            "A role name is 1 to 64 letters, digits, '_', '.', ':' or '-'.");
      }
    }
    return String.join(",", roles.stream().distinct().toList());
  }
}
