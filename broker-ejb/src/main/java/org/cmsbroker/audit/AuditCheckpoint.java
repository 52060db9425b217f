package org.cmsbroker.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * A signed statement of the audit chain's head: position {@code seq} has hash {@code hash}, as seen
 * at {@code at}. Kept outside the database, so a chain rewritten in the database no longer matches.
 */
public record AuditCheckpoint(long seq, String hash, Instant at) {
  public AuditCheckpoint {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(at, "at");
    if (seq < 0 || !hash.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not an audit checkpoint");
    }
  }
}
