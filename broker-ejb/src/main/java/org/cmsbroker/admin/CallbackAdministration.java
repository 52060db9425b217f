package org.cmsbroker.admin;

import java.util.List;
import java.util.Optional;
import org.cmsbroker.callback.OutboxEntry;
import org.cmsbroker.callback.OutboxFilter;

/**
 * What the admin commands may do to the callback outbox: look (never at payloads) and replay. Each
 * replay is one transaction and records the security event {@code callback.replayed}.
 */
public interface CallbackAdministration {

  /** Messages matching the filter, newest first. */
  List<OutboxEntry> list(OutboxFilter filter);

  /** One message's state; empty when unknown. */
  Optional<OutboxEntry> find(String id);

  /**
   * Puts a dead or delivered message back in the queue, due now, keeping its {@code webhook-id}.
   *
   * @return false when there is no such message or it is still pending or being delivered
   */
  boolean replay(String id);

  /** Replays every dead message of {@code clientId}; returns their ids, oldest first. */
  List<String> replayDead(String clientId);
}
