package org.cmsbroker.login;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link ChallengeStore} in this JVM's memory ({@link ConcurrentHashMap}; consume is one atomic
 * {@code compute}). Used challenges are remembered until they expire, so a replay is reported as
 * such. For tests and single-instance use.
 */
public final class InMemoryChallengeStore implements ChallengeStore {

  private record Entry(Instant expiresAt, boolean consumed) {}

  private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public void add(String challenge, Instant expiresAt) {
    if (entries.putIfAbsent(challenge, new Entry(expiresAt, false)) != null) {
      throw new IllegalStateException("Challenge issued twice");
    }
  }

  @Override
  public Outcome consume(String challenge, Instant now) {
    Outcome[] outcome = {Outcome.UNKNOWN};
    entries.computeIfPresent(
        challenge,
        (key, entry) -> {
          if (!entry.expiresAt().isAfter(now)) {
            outcome[0] = entry.consumed() ? Outcome.ALREADY_CONSUMED : Outcome.EXPIRED;
            return entry;
          }
          if (entry.consumed()) {
            outcome[0] = Outcome.ALREADY_CONSUMED;
            return entry;
          }
          outcome[0] = Outcome.CONSUMED;
          return new Entry(entry.expiresAt(), true);
        });
    return outcome[0];
  }

  @Override
  public void purgeExpired(Instant now) {
    entries.values().removeIf(entry -> !entry.expiresAt().isAfter(now));
  }

  /** Number of remembered challenges, used or not. */
  public int size() {
    return entries.size();
  }
}
