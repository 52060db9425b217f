package org.cmsbroker.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cmsbroker.audit.AuditArchive;
import org.cmsbroker.audit.AuditLog;
import org.cmsbroker.audit.AuditQuery;
import org.cmsbroker.audit.AuditVerification;
import org.cmsbroker.audit.SecurityEvent;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.audit.TestSecurityEvents;
import org.cmsbroker.health.SelfCheckFinding;
import org.cmsbroker.persistence.TestDatabase;
import org.cmsbroker.testing.Core;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code audit.list} as the admin socket runs it, on rows in H2 and PostgreSQL: the time bounds
 * (hours ago or ISO-8601 instants), account, client and type each keep exactly the rows they name.
 */
class AuditListTest {
  static List<String> databases() {
    return TestDatabase.names().toList();
  }

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  /** Writes a row dated {@code hoursAgo} before now, its detail naming it. */
  private static void row(
      TestDatabase db, String name, int hoursAgo, String type, String account, String client) {
    Clock at = Clock.fixed(NOW.minus(Duration.ofHours(hoursAgo)), ZoneOffset.UTC);
    db.inTransaction(
        em -> {
          TestSecurityEvents.on(em, at)
              .recordWithCaller(type, Outcome.SUCCESS, account, client, "203.0.113.7", name);
          return null;
        });
  }

  private static AuditCommands commands(TestDatabase db) {
    return new AuditCommands(
        new AuditAdministration() {
          @Override
          public AuditVerification verify() {
            throw new UnsupportedOperationException();
          }

          @Override
          public List<SecurityEvent> list(AuditQuery query) {
            return db.inTransaction(
                em -> {
                  AuditLog log = new AuditLog();
                  Core.inject(log, "em", em);
                  return log.list(query);
                });
          }

          @Override
          public java.util.Optional<AuditArchive> prune(Duration age) {
            throw new UnsupportedOperationException();
          }

          @Override
          public List<SelfCheckFinding> selfCheck() {
            throw new UnsupportedOperationException();
          }
        });
  }

  private static AdminRequest request(String... nameValues) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    params.put("format", List.of("json"));
    for (int i = 0; i < nameValues.length; i += 2) {
      params.put(nameValues[i], List.of(nameValues[i + 1]));
    }
    return new AdminRequest("audit.list", params);
  }

  /** The rows listed (by the name in their detail), newest first. */
  private static List<String> listed(AuditCommands commands, String... nameValues)
      throws Exception {
    AdminResponse response = commands.execute(request(nameValues));
    assertTrue(response.isOk(), response.toString());
    List<String> names = new ArrayList<>();
    for (Object e :
        JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(response.lines().get(0)), "events")) {
      names.add((String) ((Map<?, ?>) e).get("detail"));
    }
    return names;
  }

  @ParameterizedTest
  @MethodSource("databases")
  void eachFilterKeepsExactlyTheRowsItNames(String database) throws Exception {
    try (TestDatabase db = TestDatabase.named(database)) {
      row(db, "r1", 30, "login.failed", "acct-1", "site-a");
      row(db, "r2", 10, "login", "acct-1", "site-b");
      row(db, "r3", 3, "payment.created", "pay_1", "site-a");
      row(db, "r4", 1, "login", "acct-2", "site-a");
      AuditCommands commands = commands(db);

      assertEquals(List.of("r4", "r3", "r2"), listed(commands), "the last 24 hours by default");
      assertEquals(List.of("r4", "r3", "r2", "r1"), listed(commands, "since", "48"));
      assertEquals(List.of("r2", "r1"), listed(commands, "since", "48", "until", "5"));
      assertEquals(
          List.of("r3", "r2"),
          listed(
              commands,
              "since",
              NOW.minus(Duration.ofHours(12)).toString(),
              "until",
              NOW.minus(Duration.ofHours(2)).toString()));
      assertEquals(
          List.of("r3"),
          listed(
              commands,
              "since",
              NOW.minus(Duration.ofHours(3)).atOffset(ZoneOffset.ofHours(2)).toString(),
              "until",
              NOW.minus(Duration.ofHours(2)).atOffset(ZoneOffset.ofHours(-5)).toString()),
          "an instant with another offset is the same instant");
      assertEquals(List.of("r2", "r1"), listed(commands, "since", "48", "account", "acct-1"));
      assertEquals(List.of("r3"), listed(commands, "since", "48", "account", "pay_1"));
      assertEquals(List.of("r4", "r3", "r1"), listed(commands, "since", "48", "client", "site-a"));
      assertEquals(List.of("r4", "r2"), listed(commands, "since", "48", "type", "login"));
      assertEquals(
          List.of("r4"), listed(commands, "since", "48", "type", "login", "client", "site-a"));
      assertEquals(List.of("r4"), listed(commands, "since", "48", "limit", "1"));
      assertEquals(List.of("r1"), listed(commands, "since_hours", "48", "until", "20"));
      assertEquals(List.of(), listed(commands, "since", "48", "account", "acct-9"));
    }
  }

  private static AdminResponse refused(String... nameValues) {
    AuditCommands commands =
        new AuditCommands(
            new AuditAdministration() {
              @Override
              public AuditVerification verify() {
                throw new UnsupportedOperationException();
              }

              @Override
              public List<SecurityEvent> list(AuditQuery query) {
                throw new AssertionError("listed despite a bad bound: " + query);
              }

              @Override
              public java.util.Optional<AuditArchive> prune(Duration age) {
                throw new UnsupportedOperationException();
              }

              @Override
              public List<SelfCheckFinding> selfCheck() {
                throw new UnsupportedOperationException();
              }
            });
    try {
      return commands.execute(request(nameValues));
    } catch (AdminProtocolException e) {
      return AdminResponse.error(e.code(), e.getMessage());
    }
  }

  @Test
  void badTimeBoundsAreRefusedSayingWhatIsAccepted() {
    for (String[] bad :
        new String[][] {
          {"since", "yesterday"},
          {"since", "0"},
          {"until", "2026-12-05"},
          {"until", "2026-12-05T08:00:00"},
          {"since", "2", "until", "3"},
          {"since", "2026-12-05T08:00:00Z", "until", "2026-12-05T08:00:00Z"}
        }) {
      AdminResponse r = refused(bad);
      assertEquals(AdminProtocolException.BAD_REQUEST, r.errorCode(), List.of(bad).toString());
      assertFalse(r.lines().isEmpty());
    }
    assertTrue(
        refused("since", "yesterday").lines().toString().contains("ISO-8601 instant"),
        refused("since", "yesterday").toString());
    assertTrue(
        refused("since", "2", "until", "3").lines().toString().contains("later than"),
        refused("since", "2", "until", "3").toString());
  }
}
