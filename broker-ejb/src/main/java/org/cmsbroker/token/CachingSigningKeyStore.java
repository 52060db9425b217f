package org.cmsbroker.token;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.cmsbroker.persistence.CachedList;

/**
 * Keeps the decrypted keys of another store in memory for a short while, so signing a token does
 * not read and decrypt every key from the database. Writes go through and refresh. Thread-safe.
 */
final class CachingSigningKeyStore implements SigningKeyStore {
  private final SigningKeyStore delegate;
  private final CachedList<SigningKey> keys;

  CachingSigningKeyStore(SigningKeyStore delegate, Duration maxAge, Clock clock) {
    this.delegate = delegate;
    this.keys = new CachedList<>(delegate::findAll, maxAge, clock);
  }

  @Override
  public List<SigningKey> findAll() {
    return keys.get();
  }

  List<SigningKey> refresh() {
    return keys.refresh();
  }

  @Override
  public void add(SigningKey key) {
    delegate.add(key);
    keys.refresh();
  }

  @Override
  public void remove(String keyId) {
    delegate.remove(keyId);
    keys.refresh();
  }
}
