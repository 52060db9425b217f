package org.cmsbroker.launcher.sitecheck;

import java.util.Objects;

/**
 * One thing a check saw.
 *
 * @param check the check's short name ({@code certificate}, {@code hsts}, ...)
 * @param status how it bears on the site
 * @param target what was probed (a URL, {@code host:port})
 * @param seen what was seen, in a sentence
 * @param change what to change; empty for {@link Status#PASS}
 */
public record Finding(String check, Status status, String target, String seen, String change) {
  public Finding {
    Objects.requireNonNull(check);
    Objects.requireNonNull(status);
    Objects.requireNonNull(target);
    Objects.requireNonNull(seen);
    Objects.requireNonNull(change);
  }

  static Finding pass(String check, String target, String seen) {
    return new Finding(check, Status.PASS, target, seen, "");
  }

  static Finding warn(String check, String target, String seen, String change) {
    return new Finding(check, Status.WARN, target, seen, change);
  }

  static Finding fail(String check, String target, String seen, String change) {
    return new Finding(check, Status.FAIL, target, seen, change);
  }
}
