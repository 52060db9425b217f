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
  private final Runnable announce;

  CachingSigningKeyStore(SigningKeyStore delegate, Duration maxAge, Clock clock) {
    this(delegate, maxAge, clock, () -> {});
  }

  /**
   * @param announce run after every write, to tell the other instances (which then {@link
   *     #invalidate})
   */
  CachingSigningKeyStore(
      SigningKeyStore delegate, Duration maxAge, Clock clock, Runnable announce) {
    this.delegate = delegate;
    this.keys = new CachedList<>(delegate::findAll, maxAge, clock);
    this.announce = announce;
  }

  /** Makes the next read go to the database: another instance changed the keys. */
  void invalidate() {
    keys.invalidate();
  }

  @Override
  public boolean reload() {
    return keys.reloadIfOlderThan(MIN_RELOAD_INTERVAL);
  }

  /** A look-up for an unknown key reloads at most this often. */
  static final Duration MIN_RELOAD_INTERVAL = Duration.ofSeconds(1);

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
    announce.run();
  }

  @Override
  public void remove(String keyId) {
    delegate.remove(keyId);
    keys.refresh();
    announce.run();
  }
}
