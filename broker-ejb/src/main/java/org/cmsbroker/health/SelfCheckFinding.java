package org.cmsbroker.health;

import java.util.Objects;

/**
 * One line of the broker's self-check.
 *
 * @param check what was checked, e.g. {@code tls-certificate}
 * @param status PASS, WARN or FAIL
 * @param seen what the broker found, in one sentence, never a secret
 * @param fix what to change (empty when nothing)
 */
public record SelfCheckFinding(String check, Status status, String seen, String fix) {
  /** How a check came out. */
  public enum Status {
    PASS,
    WARN,
    FAIL
  }

  public SelfCheckFinding {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(seen, "seen");
    fix = fix == null ? "" : fix;
  }

  static SelfCheckFinding pass(String check, String seen) {
    return new SelfCheckFinding(check, Status.PASS, seen, "");
  }

  static SelfCheckFinding warn(String check, String seen, String fix) {
    return new SelfCheckFinding(check, Status.WARN, seen, fix);
  }

  static SelfCheckFinding fail(String check, String seen, String fix) {
    return new SelfCheckFinding(check, Status.FAIL, seen, fix);
  }
}
