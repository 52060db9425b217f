package org.cmsbroker.account;

/**
 * A refused account operation: a fixed reason with a message that holds no secret. Checked: the
 * caller (an admin command, a page) turns it into a clear answer.
 */
public final class AccountException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the operation was refused. */
  public enum Reason {
    INVALID_USERNAME("invalid_username"),
    INVALID_EMAIL("invalid_email"),
    INVALID_NAME("invalid_name"),
    INVALID_ROLE("invalid_role"),
    USERNAME_TAKEN("username_taken"),
    NO_SUCH_ACCOUNT("no_such_account"),
    WEAK_PASSWORD("weak_password"),
    WRONG_PASSWORD("wrong_password");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private final Reason reason;

  public AccountException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
