package org.cmsbroker.account;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.passay.PasswordData;
import org.passay.rule.AllowedRegexRule;
import org.passay.rule.DictionaryRule;
import org.passay.rule.LengthRule;
import org.passay.rule.Rule;

/**
 * The policy for new passwords, after ASVS 5.0 V6.2: at least 8 characters, at least 64 allowed
 * (128 by default; longer ones are refused, never truncated), no composition rules unless the
 * "letters and numbers" option is on, and not on the list of common and breached passwords. Lengths
 * count Unicode code points. The checks are Passay rules; this class maps their results to {@link
 * PasswordRule}s with fixed messages (Passay's own messages can quote the password).
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}; {@link #defaults()} is the ASVS
 * policy with the shipped list.
 */
public final class PasswordPolicy {

  /** ASVS 5.0 V6.2.1: at least 8 characters. Lower settings are refused. */
  public static final int MIN_LENGTH_FLOOR = 8;

  /** ASVS 5.0 V6.2.9: at least 64 characters must be allowed. Lower maxima are refused. */
  public static final int MAX_LENGTH_FLOOR = 64;

  /** The longest password the login path carries (see the JWE login payload limits). */
  public static final int MAX_LENGTH_CEILING = 128;

  private final int minLength;
  private final int maxLength;
  private final boolean lettersAndNumbers;
  private final Map<PasswordRule, Rule> rules;

  private PasswordPolicy(Builder b) {
    this.minLength = b.minLength;
    this.maxLength = b.maxLength;
    this.lettersAndNumbers = b.lettersAndNumbers;
    Map<PasswordRule, Rule> r = new LinkedHashMap<>();
    r.put(PasswordRule.TOO_SHORT, new LengthRule(minLength, Integer.MAX_VALUE));
    r.put(PasswordRule.TOO_LONG, new LengthRule(0, maxLength));
    r.put(PasswordRule.COMMON_PASSWORD, new DictionaryRule(b.commonPasswords.dictionary()));
    if (lettersAndNumbers) {
      r.put(PasswordRule.NO_LETTER, new AllowedRegexRule("\\p{L}"));
      r.put(PasswordRule.NO_DIGIT, new AllowedRegexRule("\\p{Nd}"));
    }
    this.rules = Map.copyOf(r);
  }

  /** The ASVS default: 8 to 128 characters, no composition rules, the shipped common list. */
  public static PasswordPolicy defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks a new password (at registration or change; not at login).
   *
   * @throws PasswordPolicyException naming every failed rule
   */
  public void check(CharSequence password) throws PasswordPolicyException {
    Objects.requireNonNull(password, "password");
    PasswordData data = new PasswordData(password);
    List<PasswordRule> failed = new ArrayList<>();
    for (PasswordRule rule : PasswordRule.values()) {
      Rule passay = rules.get(rule);
      if (passay != null && !passay.validate(data).isValid()) {
        failed.add(rule);
      }
    }
    if (!failed.isEmpty()) {
      throw new PasswordPolicyException(
          failed, failed.stream().map(this::message).collect(Collectors.joining(" ")));
    }
  }

  /** A fixed, user-facing sentence for a failed rule under this policy's settings. */
  public String message(PasswordRule rule) {
    return switch (rule) {
      case TOO_SHORT -> "Use at least " + minLength + " characters.";
      case TOO_LONG -> "Use at most " + maxLength + " characters.";
      case COMMON_PASSWORD -> "This password is too common; choose another.";
      case NO_LETTER -> "Include at least one letter.";
      case NO_DIGIT -> "Include at least one digit.";
    };
  }

  public int minLength() {
    return minLength;
  }

  public int maxLength() {
    return maxLength;
  }

  public boolean requiresLettersAndNumbers() {
    return lettersAndNumbers;
  }

  /** Builds a {@link PasswordPolicy}; refuses settings weaker than ASVS in {@link #build()}. */
  public static final class Builder {
    private int minLength = MIN_LENGTH_FLOOR;
    private int maxLength = MAX_LENGTH_CEILING;
    private boolean lettersAndNumbers;
    private CommonPasswords commonPasswords;

    private Builder() {}

    public Builder minLength(int minLength) {
      this.minLength = minLength;
      return this;
    }

    public Builder maxLength(int maxLength) {
      this.maxLength = maxLength;
      return this;
    }

    /** The seeds' optional rule: at least one letter and one digit (any script). Off by default. */
    public Builder requireLettersAndNumbers(boolean lettersAndNumbers) {
      this.lettersAndNumbers = lettersAndNumbers;
      return this;
    }

    /** The list to refuse; {@link CommonPasswords#bundled()} unless set. */
    public Builder commonPasswords(CommonPasswords commonPasswords) {
      this.commonPasswords = Objects.requireNonNull(commonPasswords, "commonPasswords");
      return this;
    }

    /**
     * @throws IllegalArgumentException if the minimum is below 8, the maximum below 64 or above
     *     128, or the minimum above the maximum
     */
    public PasswordPolicy build() {
      if (minLength < MIN_LENGTH_FLOOR) {
        throw new IllegalArgumentException("Password minimum length must be at least 8");
      }
      if (maxLength < MAX_LENGTH_FLOOR || maxLength > MAX_LENGTH_CEILING) {
        throw new IllegalArgumentException("Password maximum length must be between 64 and 128");
      }
      if (minLength > maxLength) {
        throw new IllegalArgumentException(
            "Password minimum length must not exceed the maximum length");
      }
      if (commonPasswords == null) {
        commonPasswords = CommonPasswords.bundled();
      }
      return new PasswordPolicy(this);
    }
  }
}
