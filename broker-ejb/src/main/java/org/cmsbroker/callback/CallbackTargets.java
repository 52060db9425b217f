package org.cmsbroker.callback;

import java.util.Optional;

/**
 * The callback target of each client (the client registry provides it). Until a bean of this type
 * exists, the scheduled dispatcher leaves the outbox alone. Implementations must be thread-safe.
 */
public interface CallbackTargets {
  /** The target of {@code clientId}; empty when the client has none (or is unknown). */
  Optional<CallbackTarget> find(String clientId);
}
