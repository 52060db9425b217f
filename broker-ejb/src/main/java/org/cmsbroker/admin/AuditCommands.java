package org.cmsbroker.admin;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cmsbroker.audit.AuditQuery;
import org.cmsbroker.audit.AuditVerification;
import org.cmsbroker.audit.SecurityEvent;
import org.cmsbroker.health.SelfCheck;
import org.cmsbroker.health.SelfCheckFinding;

/**
 * {@code audit.verify} and {@code audit.list}. With {@code format=json} each answers one JSON
 * document instead of text. A broken chain answers the error code {@value #FINDINGS} with the
 * report as its lines, so the command exits non-zero and still prints the report.
 */
final class AuditCommands {
  /** The error code of a report whose findings mean failure. */
  static final String FINDINGS = "findings";

  static final int DEFAULT_LIMIT = 100;
  static final int DEFAULT_SINCE_HOURS = 24;

  private static final List<String> LIST_COLUMNS =
      List.of(
          "TIME", "ID", "POSITION", "TYPE", "OUTCOME", "ACCOUNT", "CLIENT", "ADDRESS", "DETAIL");

  private final AuditAdministration audit;

  AuditCommands(AuditAdministration audit) {
    this.audit = audit;
  }

  AdminResponse execute(AdminRequest request) throws AdminProtocolException {
    return switch (request.command()) {
      case "audit.verify" -> verify(request);
      case "audit.list" -> list(request);
      case "check.self" -> selfCheck(request);
      case "audit.prune" -> prune(request);
      default ->
          throw new AdminProtocolException(
              AdminProtocolException.UNKNOWN_COMMAND, "unknown audit command");
    };
  }

  private static boolean json(AdminRequest request) throws AdminProtocolException {
    String format = request.single("format").orElse("text");
    if (!format.equals("text") && !format.equals("json")) {
      throw new AdminProtocolException(
          AdminProtocolException.BAD_REQUEST, "format is text or json");
    }
    return format.equals("json");
  }

  private AdminResponse verify(AdminRequest request) throws AdminProtocolException {
    request.allowOnly(Set.of("format"));
    boolean json = json(request);
    AuditVerification v = audit.verify();
    List<String> lines = new ArrayList<>();
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("intact", v.intact());
      out.put("rows_checked", v.rowsChecked());
      out.put("last_position", v.lastSeq());
      out.put("broken_row_id", v.brokenRowId());
      out.put("broken_position", v.brokenSeq());
      out.put("finding", v.finding());
      out.put("unsealed", v.unsealed());
      if (v.checkpoint() != null) {
        Map<String, Object> cp = new LinkedHashMap<>();
        cp.put("position", v.checkpoint().seq());
        cp.put("hash", v.checkpoint().hash());
        cp.put("at", v.checkpoint().at().toString());
        out.put("checkpoint", cp);
      } else {
        out.put("checkpoint", null);
      }
      lines.add(JSONObjectUtils.toJSONString(out));
    } else {
      lines.add((v.intact() ? "audit chain " : "audit chain BROKEN: ") + v.finding());
      if (v.unsealed() > 0) {
        lines.add(v.unsealed() + " newest rows not sealed yet (sealed every few seconds)");
      }
    }
    return v.intact() ? AdminResponse.ok(lines) : new AdminResponse(FINDINGS, lines);
  }

  private static final List<String> CHECK_COLUMNS = List.of("CHECK", "STATUS", "SEEN", "TO CHANGE");

  private AdminResponse selfCheck(AdminRequest request) throws AdminProtocolException {
    request.allowOnly(Set.of("format"));
    boolean json = json(request);
    List<SelfCheckFinding> findings = audit.selfCheck();
    boolean failed = SelfCheck.failed(findings);
    List<String> lines = new ArrayList<>();
    if (json) {
      lines.add(SelfCheck.json(findings));
    } else {
      List<List<String>> rows = new ArrayList<>();
      for (SelfCheckFinding f : findings) {
        rows.add(
            List.of(
                AdminTable.cell(f.check()),
                f.status().name(),
                AdminTable.cell(f.seen()),
                AdminTable.cell(f.fix().isEmpty() ? "-" : f.fix())));
      }
      lines.addAll(AdminTable.render(CHECK_COLUMNS, rows));
      long warnings =
          findings.stream().filter(f -> f.status() == SelfCheckFinding.Status.WARN).count();
      lines.add(
          (failed ? "FAILED: " : "ok: ")
              + findings.stream().filter(f -> f.status() == SelfCheckFinding.Status.FAIL).count()
              + " failed, "
              + warnings
              + (warnings == 1 ? " warning" : " warnings"));
    }
    return failed ? new AdminResponse(FINDINGS, lines) : AdminResponse.ok(lines);
  }

  private AdminResponse prune(AdminRequest request) throws AdminProtocolException {
    request.allowOnly(Set.of("older_than_days"));
    int days = number(request, "older_than_days", 0, 36_500);
    java.util.Optional<org.cmsbroker.audit.AuditArchive> archive;
    try {
      archive = audit.prune(Duration.ofDays(days));
    } catch (IllegalStateException e) {
      return new AdminResponse(FINDINGS, List.of(e.getMessage()));
    }
    if (archive.isEmpty()) {
      return AdminResponse.ok("no sealed audit rows older than " + days + " days");
    }
    org.cmsbroker.audit.AuditArchive a = archive.get();
    return AdminResponse.ok(
        List.of(
            "archived "
                + a.rows()
                + (a.rows() == 1 ? " row" : " rows")
                + " (positions "
                + a.fromSeq()
                + " to "
                + a.toSeq()
                + ") to "
                + a.file()
                + " and pruned them",
            "verification now starts after position " + a.toSeq()));
  }

  private AdminResponse list(AdminRequest request) throws AdminProtocolException {
    request.allowOnly(
        Set.of("format", "since", "since_hours", "until", "account", "client", "type", "limit"));
    boolean json = json(request);
    int limit = number(request, "limit", DEFAULT_LIMIT, AuditQuery.MAX_LIMIT);
    Instant now = Instant.now();
    // since_hours: as an older broker.jar sends it.
    java.util.Optional<String> sinceOption = request.single("since");
    String sinceGiven =
        (sinceOption.isPresent() ? sinceOption : request.single("since_hours"))
            .orElse(Integer.toString(DEFAULT_SINCE_HOURS));
    AuditQuery query;
    try {
      OffsetDateTime since = AuditQuery.time("since", sinceGiven, now);
      OffsetDateTime until =
          request.single("until").map(u -> AuditQuery.time("until", u, now)).orElse(null);
      query =
          new AuditQuery(
              since,
              until,
              request.single("account").orElse(null),
              request.single("client").orElse(null),
              request.single("type").orElse(null),
              limit);
    } catch (IllegalArgumentException e) {
      throw new AdminProtocolException(AdminProtocolException.BAD_REQUEST, e.getMessage());
    }
    List<SecurityEvent> rows = audit.list(query);
    if (json) {
      List<Object> out = new ArrayList<>();
      for (SecurityEvent e : rows) {
        out.add(e.fields());
      }
      return AdminResponse.ok(JSONObjectUtils.toJSONString(Map.of("events", out)));
    }
    if (rows.isEmpty()) {
      return AdminResponse.ok(
          "no audit events from "
              + AdminTable.time(query.since().toInstant())
              + (query.until() == null
                  ? ""
                  : " until " + AdminTable.time(query.until().toInstant()))
              + " match");
    }
    List<List<String>> table = new ArrayList<>();
    for (SecurityEvent e : rows) {
      table.add(
          List.of(
              AdminTable.time(e.occurredAt().toInstant()),
              Long.toString(e.id()),
              e.chainSeq() == null ? "-" : Long.toString(e.chainSeq()),
              AdminTable.cell(e.eventType()),
              AdminTable.cell(e.outcome()),
              AdminTable.cell(e.subjectId() == null ? "-" : e.subjectId()),
              AdminTable.cell(e.clientId() == null ? "-" : e.clientId()),
              AdminTable.cell(e.remoteIp() == null ? "-" : e.remoteIp()),
              AdminTable.cell(e.detail() == null ? "-" : e.detail())));
    }
    List<String> out = new ArrayList<>(AdminTable.render(LIST_COLUMNS, table));
    out.add(rows.size() + (rows.size() == 1 ? " event" : " events") + ", newest first");
    return AdminResponse.ok(out);
  }

  private static int number(AdminRequest request, String name, int otherwise, int max)
      throws AdminProtocolException {
    String value = request.single(name).orElse(Integer.toString(otherwise));
    int n = value.matches("[0-9]{1,9}") ? Integer.parseInt(value) : 0;
    if (n < 1 || n > max) {
      throw new AdminProtocolException(
          AdminProtocolException.BAD_REQUEST, name + " must be a whole number from 1 to " + max);
    }
    return n;
  }
}
