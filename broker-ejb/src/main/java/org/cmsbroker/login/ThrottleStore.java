package org.cmsbroker.login;

import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where the {@link LoginThrottle} keeps failure histories, by key. Implementations are thread-safe
 * and {@link #update} is atomic per key (across the cluster, for a shared implementation).
 */
public interface ThrottleStore {

  /** The history under {@code key}, if any. */
  Optional<FailureHistory> find(String key);

  /**
   * Replaces the history under {@code key} with {@code change} applied to it ({@link
   * FailureHistory#NONE} if there is none), atomically.
   *
   * @return the new history
   */
  FailureHistory update(String key, UnaryOperator<FailureHistory> change);

  /** Forgets the history under {@code key}. */
  void remove(String key);

  /** Forgets histories whose last failure or reservation is not after {@code cutoff}. */
  void purgeIdleSince(Instant cutoff);
}
