package org.cmsbroker.login;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.cmsbroker.persistence.CachedList;

/**
 * Keeps the decrypted keys of another store in memory for a short while, so a login does not read
 * and decrypt every key from the database. Writes go through and refresh. Thread-safe.
 */
final class CachingLoginKeyStore implements LoginKeyStore {
  private final LoginKeyStore delegate;
  private final CachedList<LoginKey> keys;

  CachingLoginKeyStore(LoginKeyStore delegate, Duration maxAge, Clock clock) {
    this.delegate = delegate;
    this.keys = new CachedList<>(delegate::findAll, maxAge, clock);
  }

  @Override
  public List<LoginKey> findAll() {
    return keys.get();
  }

  List<LoginKey> refresh() {
    return keys.refresh();
  }

  @Override
  public void add(LoginKey key) {
    delegate.add(key);
    keys.refresh();
  }

  @Override
  public void remove(String keyId) {
    delegate.remove(keyId);
    keys.refresh();
  }
}
