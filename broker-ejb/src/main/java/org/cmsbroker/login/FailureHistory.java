package org.cmsbroker.login;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Failed logins for one account or one client address, as the {@link LoginThrottle} keeps them.
 * Immutable.
 *
 * @param consecutiveFailures failures since the last success (or since a quiet window)
 * @param lastFailure the latest failure; {@link Instant#EPOCH} if none
 * @param recentFailures the latest failures, oldest first, at most as many as the limit per window
 */
public record FailureHistory(
    int consecutiveFailures, Instant lastFailure, List<Instant> recentFailures) {

  /** No failures. */
  public static final FailureHistory NONE = new FailureHistory(0, Instant.EPOCH, List.of());

  public FailureHistory {
    Objects.requireNonNull(lastFailure, "lastFailure");
    recentFailures = List.copyOf(recentFailures);
  }

  /**
   * This history plus a failure at {@code now}: failures older than {@code window} are dropped, and
   * the streak starts again if the previous failure is that old.
   */
  FailureHistory plusFailure(Instant now, Duration window, int keep) {
    Instant cutoff = now.minus(window);
    List<Instant> recent = new ArrayList<>(keep + 1);
    for (Instant t : recentFailures) {
      if (t.isAfter(cutoff)) {
        recent.add(t);
      }
    }
    recent.add(now);
    while (recent.size() > keep) {
      recent.remove(0);
    }
    int streak = lastFailure.isAfter(cutoff) ? consecutiveFailures + 1 : 1;
    return new FailureHistory(streak, now, recent);
  }

  /** Number of failures after {@code cutoff}. */
  int failuresAfter(Instant cutoff) {
    int n = 0;
    for (Instant t : recentFailures) {
      if (t.isAfter(cutoff)) {
        n++;
      }
    }
    return n;
  }
}
