package org.cmsbroker.login;

import java.util.List;

/**
 * Where login keys live. Implementations are thread-safe; the in-memory one serves tests and a
 * single instance, a database-backed one is shared by a cluster. Keys are immutable: added once,
 * removed when no longer accepted.
 */
public interface LoginKeyStore {

  /** Every stored key, in no particular order. */
  List<LoginKey> findAll();

  /** Stores a new key. */
  void add(LoginKey key);

  /** Removes the key with this {@code kid}, if any. */
  void remove(String keyId);
}
