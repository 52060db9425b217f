package org.cmsbroker.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Keeps the decrypted keys of another store in memory for a short while, so a login does not read
 * and decrypt every key from the database. Writes go through and refresh. Thread-safe.
 */
final class CachingLoginKeyStore implements LoginKeyStore {
  private final LoginKeyStore delegate;
  private final Duration maxAge;
  private final Clock clock;
  private volatile List<LoginKey> cached;
  private volatile Instant loadedAt = Instant.MIN;

  CachingLoginKeyStore(LoginKeyStore delegate, Duration maxAge, Clock clock) {
    this.delegate = delegate;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  @Override
  public List<LoginKey> findAll() {
    List<LoginKey> keys = cached;
    if (keys == null || loadedAt.plus(maxAge).isBefore(clock.instant())) {
      return refresh();
    }
    return keys;
  }

  synchronized List<LoginKey> refresh() {
    List<LoginKey> keys = List.copyOf(delegate.findAll());
    cached = keys;
    loadedAt = clock.instant();
    return keys;
  }

  @Override
  public void add(LoginKey key) {
    delegate.add(key);
    refresh();
  }

  @Override
  public void remove(String keyId) {
    delegate.remove(keyId);
    refresh();
  }
}
