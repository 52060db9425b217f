package org.cmsbroker.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Keeps the decrypted keys of another store in memory for a short while, so signing a token does
 * not read and decrypt every key from the database. Writes go through and refresh. Thread-safe.
 */
final class CachingSigningKeyStore implements SigningKeyStore {
  private final SigningKeyStore delegate;
  private final Duration maxAge;
  private final Clock clock;
  private volatile List<SigningKey> cached;
  private volatile Instant loadedAt = Instant.MIN;

  CachingSigningKeyStore(SigningKeyStore delegate, Duration maxAge, Clock clock) {
    this.delegate = delegate;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  @Override
  public List<SigningKey> findAll() {
    List<SigningKey> keys = cached;
    if (keys == null || loadedAt.plus(maxAge).isBefore(clock.instant())) {
      return refresh();
    }
    return keys;
  }

  synchronized List<SigningKey> refresh() {
    List<SigningKey> keys = List.copyOf(delegate.findAll());
    cached = keys;
    loadedAt = clock.instant();
    return keys;
  }

  @Override
  public void add(SigningKey key) {
    delegate.add(key);
    refresh();
  }

  @Override
  public void remove(String keyId) {
    delegate.remove(keyId);
    refresh();
  }
}
