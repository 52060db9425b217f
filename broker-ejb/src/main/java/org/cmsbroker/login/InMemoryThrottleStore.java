package org.cmsbroker.login;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

/** A {@link ThrottleStore} in this JVM's memory: for tests and single-instance use. */
public final class InMemoryThrottleStore implements ThrottleStore {

  private final ConcurrentMap<String, FailureHistory> histories = new ConcurrentHashMap<>();

  @Override
  public Optional<FailureHistory> find(String key) {
    return Optional.ofNullable(histories.get(key));
  }

  @Override
  public FailureHistory update(String key, UnaryOperator<FailureHistory> change) {
    return histories.compute(
        key, (k, old) -> change.apply(old == null ? FailureHistory.NONE : old));
  }

  @Override
  public void remove(String key) {
    histories.remove(key);
  }

  @Override
  public void purgeIdleSince(Instant cutoff) {
    histories.values().removeIf(h -> !h.lastActivity().isAfter(cutoff));
  }

  /** Number of keys with a history. */
  public int size() {
    return histories.size();
  }
}
