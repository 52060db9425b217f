package org.cmsbroker.account;

import java.util.List;

/**
 * A new password was refused by the {@link PasswordPolicy}. Says which rules failed, with a message
 * fit to show the user; never contains the password.
 */
public class PasswordPolicyException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<PasswordRule> failedRules;

  PasswordPolicyException(List<PasswordRule> failedRules, String message) {
    super(message);
    this.failedRules = List.copyOf(failedRules);
  }

  /** The failed rules in a fixed order (as declared in {@link PasswordRule}); never empty. */
  public List<PasswordRule> failedRules() {
    return failedRules;
  }

  /** Whether {@code rule} is among the failed ones. */
  public boolean failed(PasswordRule rule) {
    return failedRules.contains(rule);
  }
}
