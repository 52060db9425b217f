package org.cmsbroker.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmsbroker.callback.CallbackStatus;
import org.cmsbroker.callback.OutboxEntry;
import org.cmsbroker.callback.OutboxFilter;
import org.junit.jupiter.api.Test;

/** The {@code callbacks.*} commands, dispatched through {@link AdminCommands}. */
class CallbackCommandsTest {
  private static final Instant CREATED = Instant.parse("2025-03-01T10:00:00.500Z");

  static final class FakeCallbacks implements CallbackAdministration {
    final List<String> calls = new ArrayList<>();
    final Map<String, OutboxEntry> entries = new LinkedHashMap<>();
    OutboxFilter filter;

    @Override
    public List<OutboxEntry> list(OutboxFilter filter) {
      this.filter = filter;
      return List.copyOf(entries.values());
    }

    @Override
    public Optional<OutboxEntry> find(String id) {
      return Optional.ofNullable(entries.get(id));
    }

    @Override
    public boolean replay(String id) {
      calls.add("replay " + id);
      OutboxEntry e = entries.get(id);
      return e != null
          && (e.status() == CallbackStatus.DEAD || e.status() == CallbackStatus.DELIVERED);
    }

    @Override
    public List<String> replayDead(String clientId) {
      calls.add("replayDead " + clientId);
      return entries.values().stream()
          .filter(e -> e.clientId().equals(clientId) && e.status() == CallbackStatus.DEAD)
          .map(OutboxEntry::id)
          .toList();
    }
  }

  private final FakeCallbacks callbacks = new FakeCallbacks();
  private final AdminCommands commands =
      new AdminCommands(
          new ClientCommandsTest.NoAccounts(),
          new ClientCommandsTest.FakeClients(),
          null,
          callbacks);

  private static AdminRequest request(String command, String... nameValues) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      params.computeIfAbsent(nameValues[i], k -> new ArrayList<>()).add(nameValues[i + 1]);
    }
    return new AdminRequest(command, params);
  }

  private void add(String id, String client, CallbackStatus status, Integer code, String error) {
    callbacks.entries.put(
        id,
        new OutboxEntry(
            id,
            client,
            "payment.succeeded",
            status,
            3,
            CREATED.plusSeconds(60),
            code,
            error,
            CREATED,
            status == CallbackStatus.DELIVERED ? CREATED.plusSeconds(5) : null));
  }

  @Test
  void listShowsStateAndHistoryWithoutPayloads() {
    add("msg_dead", "civi", CallbackStatus.DEAD, 410, "HTTP 410: the receiver is gone");
    add("msg_ok", "civi", CallbackStatus.DELIVERED, 200, null);
    add("msg_wait", "civi", CallbackStatus.PENDING, 503, "HTTP 503");

    List<String> lines = commands.execute(request("callbacks.list")).lines();

    assertEquals(4, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).startsWith("ID "), lines.get(0));
    assertEquals(
        List.of(
            "msg_dead",
            "civi",
            "payment.succeeded",
            "dead",
            "3",
            "2025-03-01T10:00:00Z",
            "-",
            "-",
            "410",
            "HTTP 410: the receiver is gone"),
        List.of(lines.get(1).split("\\s{2,}")));
    assertTrue(lines.get(2).contains(" delivered "), lines.get(2));
    assertTrue(lines.get(2).contains("2025-03-01T10:00:05Z"), lines.get(2));
    assertTrue(lines.get(3).contains("2025-03-01T10:01:00Z"), lines.get(3));
    assertEquals(new OutboxFilter(null, null, 50), callbacks.filter);
  }

  @Test
  void listFiltersByClientStatusAndLimit() {
    commands.execute(
        request("callbacks.list", "client_id", "civi", "status", "dead", "limit", "5"));
    assertEquals(new OutboxFilter("civi", CallbackStatus.DEAD, 5), callbacks.filter);
  }

  @Test
  void listWithNothingSaysSo() {
    assertEquals(List.of("no callbacks"), commands.execute(request("callbacks.list")).lines());
  }

  @Test
  void listRefusesAnUnknownStatus() {
    AdminResponse response = commands.execute(request("callbacks.list", "status", "failed"));
    assertEquals("bad_request", response.errorCode());
    assertEquals(
        List.of("status must be pending, delivering, delivered or dead"), response.lines());
  }

  @Test
  void listRefusesABadLimit() {
    for (String limit : new String[] {"0", "1001", "ten"}) {
      AdminResponse response = commands.execute(request("callbacks.list", "limit", limit));
      assertEquals("bad_request", response.errorCode());
      assertEquals(List.of("limit must be a whole number from 1 to 1000"), response.lines());
    }
  }

  @Test
  void replayOfADeadMessageKeepsItsId() {
    add("msg_dead", "civi", CallbackStatus.DEAD, 410, "HTTP 410: the receiver is gone");

    AdminResponse response = commands.execute(request("callbacks.replay", "id", "msg_dead"));

    assertEquals(List.of("replaying callback msg_dead (same webhook-id)"), response.lines());
    assertEquals(List.of("replay msg_dead"), callbacks.calls);
  }

  @Test
  void replayOfAnUnknownMessageIsRefused() {
    AdminResponse response = commands.execute(request("callbacks.replay", "id", "msg_none"));
    assertEquals("no_such_callback", response.errorCode());
    assertEquals(List.of("There is no callback with that id."), response.lines());
  }

  @Test
  void replayOfAPendingMessageIsRefused() {
    add("msg_wait", "civi", CallbackStatus.PENDING, 503, "HTTP 503");
    AdminResponse response = commands.execute(request("callbacks.replay", "id", "msg_wait"));
    assertEquals("callback_not_finished", response.errorCode());
    assertEquals(
        List.of(
            "The callback is still pending: it is retried on its own; only dead or delivered"
                + " callbacks can be replayed."),
        response.lines());
  }

  @Test
  void replayOfAClientsDeadMessagesListsThem() {
    add("msg_1", "civi", CallbackStatus.DEAD, 410, "gone");
    add("msg_2", "civi", CallbackStatus.DEAD, 404, "HTTP 404 after 5 attempts");
    add("msg_3", "civi", CallbackStatus.DELIVERED, 200, null);

    AdminResponse response =
        commands.execute(request("callbacks.replay", "client_id", "civi", "status", "dead"));

    assertEquals(
        List.of(
            "replaying 2 dead callbacks for client civi (same webhook-id each):", "msg_1", "msg_2"),
        response.lines());
  }

  @Test
  void replayByClientNeedsStatusDead() {
    for (String[] params :
        new String[][] {{"client_id", "civi"}, {"client_id", "civi", "status", "delivered"}}) {
      AdminResponse response = commands.execute(request("callbacks.replay", params));
      assertEquals("bad_request", response.errorCode());
      assertEquals(
          List.of("a replay by client is for dead messages only: give status dead"),
          response.lines());
    }
    assertTrue(callbacks.calls.isEmpty());
  }

  @Test
  void replayNeedsAnIdOrAClientButNotBoth() {
    assertEquals(
        List.of("replay needs a message id, or a client id with status dead"),
        commands.execute(request("callbacks.replay")).lines());
    assertEquals(
        List.of("replay takes a message id, or a client id with status dead, not both"),
        commands.execute(request("callbacks.replay", "id", "msg_1", "client_id", "civi")).lines());
    assertFalse(commands.execute(request("callbacks.replay")).isOk());
  }

  @Test
  void withoutCallbackAdministrationTheCommandsAreUnknown() {
    AdminCommands without =
        new AdminCommands(
            new ClientCommandsTest.NoAccounts(), new ClientCommandsTest.FakeClients());
    assertEquals("unknown_command", without.execute(request("callbacks.list")).errorCode());
  }
}
