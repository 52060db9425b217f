package org.cmsbroker.persistence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * A list read from storage and kept for a short while, so hot paths (every login, every token) do
 * not read and decrypt keys from the database each time. Thread-safe.
 *
 * @param <T> element type
 */
public final class CachedList<T> {
  private final Supplier<List<T>> loader;
  private final Duration maxAge;
  private final Clock clock;
  private volatile List<T> cached;
  private volatile Instant loadedAt = Instant.MIN;

  public CachedList(Supplier<List<T>> loader, Duration maxAge, Clock clock) {
    this.loader = loader;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** The cached list, reloaded when older than the maximum age. */
  public List<T> get() {
    List<T> list = cached;
    if (list == null || loadedAt.plus(maxAge).isBefore(clock.instant())) {
      return refresh();
    }
    return list;
  }

  /** Makes the next {@link #get()} reload (another instance changed the storage). */
  public void invalidate() {
    loadedAt = Instant.MIN;
  }

  /**
   * Reloads now unless the copy is younger than {@code minAge}, so a burst of look-ups for
   * something unknown costs one read.
   *
   * @return whether it reloaded
   */
  public synchronized boolean reloadIfOlderThan(Duration minAge) {
    if (cached != null && loadedAt.plus(minAge).isAfter(clock.instant())) {
      return false;
    }
    refresh();
    return true;
  }

  /** Reloads now (after a write). */
  public synchronized List<T> refresh() {
    List<T> list = List.copyOf(loader.get());
    cached = list;
    loadedAt = clock.instant();
    return list;
  }
}
