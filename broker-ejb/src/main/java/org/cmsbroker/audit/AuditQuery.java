package org.cmsbroker.audit;

import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * Which audit rows to list: from {@code since} (and before {@code until}, if given), optionally of
 * one account ({@code subject}), client and event type; at most {@code limit}, newest first.
 */
public record AuditQuery(
    OffsetDateTime since,
    OffsetDateTime until,
    String subject,
    String client,
    String type,
    int limit) {
  /** The most rows one listing returns. */
  public static final int MAX_LIMIT = 10_000;

  public AuditQuery {
    Objects.requireNonNull(since, "since");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
    }
  }
}
