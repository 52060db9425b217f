package org.cmsbroker.audit;

import java.util.Optional;

/**
 * Signs and checks audit checkpoints with a key of the broker. Implemented where the keys live (the
 * token package), so this package depends on no key code.
 */
public interface AuditSigner {
  /** The checkpoint as a compact JWS signed with the broker's current signing key. */
  String sign(AuditCheckpoint checkpoint);

  /**
   * The checkpoint {@code jws} carries, when it is a checkpoint the broker signed with a key it
   * still publishes; empty for anything else (tampered, foreign, malformed).
   */
  Optional<AuditCheckpoint> verify(String jws);
}
