package org.cmsbroker.callback;

/**
 * Which callback messages {@link CallbackOutbox#list} returns, newest first: of one client and/or
 * in one status (null for any), at most {@code limit} (1 to 1000).
 */
public record OutboxFilter(String clientId, CallbackStatus status, int limit) {
  public OutboxFilter {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be 1 to 1000");
    }
  }

  /** Every message, newest first, at most {@code limit}. */
  public static OutboxFilter all(int limit) {
    return new OutboxFilter(null, null, limit);
  }
}
