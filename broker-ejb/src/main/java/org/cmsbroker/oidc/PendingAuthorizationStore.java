package org.cmsbroker.oidc;

import java.util.Optional;

/**
 * Where pending authorizations wait for their login: bounded in size, each entry forgotten at its
 * expiry. Behind an interface so short-lived state can move to a shared data grid. Thread-safe.
 */
public interface PendingAuthorizationStore {

  /** Keeps {@code pending} until its expiry (or until the store must make room). */
  void put(PendingAuthorization pending);

  /** The unexpired entry with this id, left in place. */
  Optional<PendingAuthorization> find(String id);

  /** Removes and returns the unexpired entry with this id; only one caller ever gets it. */
  Optional<PendingAuthorization> take(String id);
}
