package org.cmsbroker.token;

import java.util.List;

/**
 * Where signing keys live. Implementations are thread-safe; the in-memory one serves tests, the
 * database-backed one is shared by a cluster. Keys are immutable: added once, removed when no token
 * they signed can still be valid.
 */
public interface SigningKeyStore {

  /** Every stored key, in no particular order. */
  List<SigningKey> findAll();

  /** Stores a new key. */
  void add(SigningKey key);

  /** Removes the key with this {@code kid}, if any. */
  void remove(String keyId);

  /**
   * Re-reads the keys from the shared storage if this store keeps a copy that may be stale (a
   * look-up found no key of that id: another instance may have just made it). At most once a
   * second.
   *
   * @return whether it re-read
   */
  default boolean reload() {
    return false;
  }
}
