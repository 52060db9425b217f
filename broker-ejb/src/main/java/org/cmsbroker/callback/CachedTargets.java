package org.cmsbroker.callback;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link CallbackTargets} that reads each client's target at most once per {@code maxAge}, so a
 * drain of many messages does not read (and decrypt) the same target for each. A changed target
 * (new URL, rotated secret) is used within {@code maxAge}. Thread-safe.
 */
final class CachedTargets implements CallbackTargets {
  private record Entry(Optional<CallbackTarget> target, Instant readAt) {}

  private final CallbackTargets delegate;
  private final Duration maxAge;
  private final Clock clock;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  CachedTargets(CallbackTargets delegate, Duration maxAge, Clock clock) {
    this.delegate = delegate;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  @Override
  public Optional<CallbackTarget> find(String clientId) {
    Instant now = clock.instant();
    Entry entry = entries.get(clientId);
    if (entry == null || !now.isBefore(entry.readAt().plus(maxAge))) {
      entry = new Entry(delegate.find(clientId), now);
      entries.put(clientId, entry);
    }
    return entry.target();
  }
}
