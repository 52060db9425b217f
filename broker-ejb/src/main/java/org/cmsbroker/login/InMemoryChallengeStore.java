package org.cmsbroker.login;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ChallengeStore} in this JVM's memory: consumed challenges in a {@link ConcurrentHashMap}
 * ({@code putIfAbsent} decides who consumed one first) with a hard capacity, counted before an
 * entry is added, so the map never holds more than the capacity. For tests and single-instance use.
 */
public final class InMemoryChallengeStore implements ChallengeStore {

  /** Consumed challenges remembered at most, by default: a few megabytes. */
  public static final int DEFAULT_CAPACITY = 100_000;

  private final ConcurrentMap<String, Instant> consumed = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;

  public InMemoryChallengeStore() {
    this(DEFAULT_CAPACITY);
  }

  /**
   * @throws IllegalArgumentException if {@code capacity} is not positive
   */
  public InMemoryChallengeStore(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("Challenge store capacity must be positive");
    }
    this.capacity = capacity;
  }

  @Override
  public Outcome consume(String challengeId, Instant expiresAt, Instant now) {
    if (consumed.containsKey(challengeId)) {
      return Outcome.ALREADY_CONSUMED;
    }
    if (!reserveRoom(now)) {
      return Outcome.FULL;
    }
    if (consumed.putIfAbsent(challengeId, expiresAt) != null) {
      size.decrementAndGet();
      return Outcome.ALREADY_CONSUMED;
    }
    return Outcome.CONSUMED;
  }

  private boolean reserveRoom(Instant now) {
    if (size.incrementAndGet() <= capacity) {
      return true;
    }
    size.decrementAndGet();
    purgeExpired(now);
    if (size.incrementAndGet() <= capacity) {
      return true;
    }
    size.decrementAndGet();
    return false;
  }

  @Override
  public void purgeExpired(Instant now) {
    for (Map.Entry<String, Instant> e : consumed.entrySet()) {
      if (!e.getValue().isAfter(now) && consumed.remove(e.getKey(), e.getValue())) {
        size.decrementAndGet();
      }
    }
  }

  @Override
  public int size() {
    return consumed.size();
  }
}
