package org.cmsbroker.account;

/** The rules a new password can fail, each with a stable code for clients and logs. */
public enum PasswordRule {
  /** Fewer characters than the configured minimum (8 by default). */
  TOO_SHORT("password_too_short"),
  /** More characters than the configured maximum (128 by default); never truncated instead. */
  TOO_LONG("password_too_long"),
  /** On the shipped list of common and breached passwords (compared ignoring case). */
  COMMON_PASSWORD("password_common"),
  /** Optional rule: no letter. */
  NO_LETTER("password_no_letter"),
  /** Optional rule: no digit. */
  NO_DIGIT("password_no_digit");

  private final String code;

  PasswordRule(String code) {
    this.code = code;
  }

  /** A stable lower-case code, for example {@code password_too_short}. */
  public String code() {
    return code;
  }
}
