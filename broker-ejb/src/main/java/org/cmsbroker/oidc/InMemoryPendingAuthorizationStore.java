package org.cmsbroker.oidc;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pending authorizations in this instance's memory: at most {@code capacity} entries whatever the
 * traffic. When full, expired entries go first, then the oldest (that browser starts its sign-in
 * again). Thread-safe (one lock; every operation is O(1) except the purge of expired entries).
 */
public final class InMemoryPendingAuthorizationStore implements PendingAuthorizationStore {
  private final int capacity;
  private final Clock clock;
  private final LinkedHashMap<String, PendingAuthorization> entries = new LinkedHashMap<>();

  public InMemoryPendingAuthorizationStore(int capacity, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
    this.clock = clock;
  }

  @Override
  public synchronized void put(PendingAuthorization pending) {
    entries.remove(pending.id());
    if (entries.size() >= capacity) {
      purgeExpired();
    }
    Iterator<Map.Entry<String, PendingAuthorization>> oldest = entries.entrySet().iterator();
    while (entries.size() >= capacity && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
    entries.put(pending.id(), pending);
  }

  @Override
  public synchronized Optional<PendingAuthorization> find(String id) {
    PendingAuthorization found = id == null ? null : entries.get(id);
    if (found == null) {
      return Optional.empty();
    }
    if (!found.expiresAt().isAfter(clock.instant())) {
      entries.remove(id);
      return Optional.empty();
    }
    return Optional.of(found);
  }

  @Override
  public synchronized Optional<PendingAuthorization> take(String id) {
    Optional<PendingAuthorization> found = find(id);
    found.ifPresent(p -> entries.remove(p.id()));
    return found;
  }

  /** Forgets every expired entry. */
  public synchronized void purgeExpired() {
    var now = clock.instant();
    entries.values().removeIf(p -> !p.expiresAt().isAfter(now));
  }

  /** How many entries are kept now. */
  public synchronized int size() {
    return entries.size();
  }
}
