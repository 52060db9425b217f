package org.cmsbroker.admin;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.callback.CallbackOutbox;
import org.cmsbroker.callback.OutboxEntry;
import org.cmsbroker.callback.OutboxFilter;

/** {@link CallbackAdministration} on the outbox; replays are recorded as security events. */
@Stateless
public class DefaultCallbackAdministration implements CallbackAdministration {
  @Inject CallbackOutbox outbox;
  @Inject SecurityEvents events;

  @Override
  public List<OutboxEntry> list(OutboxFilter filter) {
    return outbox.list(filter);
  }

  @Override
  public Optional<OutboxEntry> find(String id) {
    return outbox.find(id);
  }

  @Override
  public boolean replay(String id) {
    Optional<OutboxEntry> entry = outbox.find(id);
    if (entry.isEmpty() || !outbox.replay(id)) {
      return false;
    }
    recordReplay(id, entry.get().clientId());
    return true;
  }

  @Override
  public List<String> replayDead(String clientId) {
    List<String> replayed = outbox.replayDead(clientId);
    replayed.forEach(id -> recordReplay(id, clientId));
    return replayed;
  }

  private void recordReplay(String id, String clientId) {
    events.record(
        "callback.replayed", SecurityEvents.Outcome.SUCCESS, null, clientId, null, "message=" + id);
  }
}
