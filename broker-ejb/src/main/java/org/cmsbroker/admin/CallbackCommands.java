package org.cmsbroker.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.cmsbroker.callback.CallbackStatus;
import org.cmsbroker.callback.OutboxEntry;
import org.cmsbroker.callback.OutboxFilter;

/**
 * The {@code callbacks.*} admin commands: {@code callbacks.list} (optional {@code client_id},
 * {@code status}, {@code limit}) shows messages newest first, never their payloads; {@code
 * callbacks.replay} re-sends one message ({@code id}) or every dead message of a client ({@code
 * client_id} and {@code status=dead}) with the same {@code webhook-id}. Thread-safe if the
 * administration is.
 */
final class CallbackCommands {
  static final String ID = "id";
  static final String CLIENT_ID = "client_id";
  static final String STATUS = "status";
  static final String LIMIT = "limit";
  static final int DEFAULT_LIMIT = 50;

  static final List<String> COLUMNS =
      List.of(
          "ID",
          "CLIENT",
          "EVENT TYPE",
          "STATUS",
          "ATTEMPTS",
          "CREATED",
          "NEXT ATTEMPT",
          "DELIVERED",
          "LAST STATUS",
          "LAST ERROR");

  private final CallbackAdministration callbacks;

  CallbackCommands(CallbackAdministration callbacks) {
    this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
  }

  /** Runs one {@code callbacks.*} request. */
  AdminResponse execute(AdminRequest request) throws AdminProtocolException {
    return switch (request.command()) {
      case "callbacks.list" -> list(request);
      case "callbacks.replay" -> replay(request);
      default ->
          throw new AdminProtocolException(
              AdminProtocolException.UNKNOWN_COMMAND,
              "unknown command \"" + AdminProtocol.printable(request.command()) + "\"");
    };
  }

  private AdminResponse list(AdminRequest request) throws AdminProtocolException {
    request.allowOnly(Set.of(CLIENT_ID, STATUS, LIMIT));
    String clientId = request.single(CLIENT_ID).filter(v -> !v.isEmpty()).orElse(null);
    CallbackStatus status = status(request.single(STATUS));
    int limit = limit(request.single(LIMIT));
    List<OutboxEntry> entries = callbacks.list(new OutboxFilter(clientId, status, limit));
    return entries.isEmpty() ? AdminResponse.ok("no callbacks") : AdminResponse.ok(table(entries));
  }

  private AdminResponse replay(AdminRequest request) throws AdminProtocolException {
    request.allowOnly(Set.of(ID, CLIENT_ID, STATUS));
    Optional<String> id = request.single(ID);
    if (id.isPresent()) {
      if (request.single(CLIENT_ID).isPresent() || request.single(STATUS).isPresent()) {
        throw new AdminProtocolException(
            AdminProtocolException.BAD_REQUEST,
            "replay takes a message id, or a client id with status dead, not both");
      }
      return replayOne(id.get());
    }
    String clientId =
        request
            .single(CLIENT_ID)
            .orElseThrow(
                () ->
                    new AdminProtocolException(
                        AdminProtocolException.BAD_REQUEST,
                        "replay needs a message id, or a client id with status dead"));
    if (status(request.single(STATUS)) != CallbackStatus.DEAD) {
      throw new AdminProtocolException(
          AdminProtocolException.BAD_REQUEST,
          "a replay by client is for dead messages only: give status dead");
    }
    List<String> replayed = callbacks.replayDead(clientId);
    if (replayed.isEmpty()) {
      return AdminResponse.ok("no dead callbacks for client " + AdminTable.cell(clientId));
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        "replaying "
            + replayed.size()
            + (replayed.size() == 1 ? " dead callback" : " dead callbacks")
            + " for client "
            + AdminTable.cell(clientId)
            + " (same webhook-id each):");
    lines.addAll(replayed);
    return AdminResponse.ok(lines);
  }

  private AdminResponse replayOne(String id) throws AdminProtocolException {
    Optional<OutboxEntry> entry = callbacks.find(id);
    if (entry.isEmpty()) {
      return AdminResponse.error("no_such_callback", "There is no callback with that id.");
    }
    if (!callbacks.replay(id)) {
      return AdminResponse.error(
          "callback_not_finished",
          "The callback is still "
              + entry.get().status().name().toLowerCase(Locale.ROOT)
              + ": it is retried on its own; only dead or delivered callbacks can be replayed.");
    }
    return AdminResponse.ok("replaying callback " + id + " (same webhook-id)");
  }

  private static CallbackStatus status(Optional<String> value) throws AdminProtocolException {
    if (value.isEmpty() || value.get().isEmpty()) {
      return null;
    }
    for (CallbackStatus s : CallbackStatus.values()) {
      if (s.name().toLowerCase(Locale.ROOT).equals(value.get())) {
        return s;
      }
    }
    throw new AdminProtocolException(
        AdminProtocolException.BAD_REQUEST,
        "status must be pending, delivering, delivered or dead");
  }

  private static int limit(Optional<String> value) throws AdminProtocolException {
    if (value.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value.get());
      if (limit >= 1 && limit <= 1000) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new AdminProtocolException(
        AdminProtocolException.BAD_REQUEST, "limit must be a whole number from 1 to 1000");
  }

  /** The messages as a table; never a payload. */
  static List<String> table(List<OutboxEntry> entries) {
    List<List<String>> rows = new ArrayList<>();
    for (OutboxEntry e : entries) {
      rows.add(
          List.of(
              AdminTable.cell(e.id()),
              AdminTable.cell(e.clientId()),
              AdminTable.cell(e.eventType()),
              e.status().name().toLowerCase(Locale.ROOT),
              Integer.toString(e.attempts()),
              AdminTable.time(e.createdAt()),
              e.status() == CallbackStatus.PENDING ? AdminTable.time(e.nextAttemptAt()) : "-",
              AdminTable.time(e.deliveredAt()),
              e.lastStatusCode() == null ? "-" : e.lastStatusCode().toString(),
              AdminTable.cell(e.lastError())));
    }
    return AdminTable.render(COLUMNS, rows);
  }
}
