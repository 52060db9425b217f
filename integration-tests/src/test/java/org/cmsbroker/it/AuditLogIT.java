package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.LoginClient;
import org.cmsbroker.it.support.PostgresSchema;
import org.cmsbroker.it.support.SeedAccounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tamper-evident audit log on the launched broker (PostgreSQL, so the test can change a row
 * behind the broker's back as an intruder with database access would): admin commands and logins
 * are recorded, sealed into the chain and checkpointed outside the database; {@code admin audit
 * verify} and the self-check ({@code broker.jar check}) pass, then both fail, naming the row edited
 * directly in the database.
 */
class AuditLogIT {
  private static final String PASSWORD = "an audited passphrase for ada";
  private static BrokerProcess broker;
  private static PostgresSchema schema;
  private static Path work;
  private static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    schema = new PostgresSchema();
    work = BrokerHome.freshDirectory("audit");
    int https = BrokerHome.freePort();
    env = new HashMap<>();
    env.put("BROKER_DATA_DIR", work.resolve("data").toString());
    env.put("BROKER_HTTPS_PORT", Integer.toString(https));
    env.put("BROKER_HTTP_PORT", "off");
    env.put("BROKER_DB_URL", schema.url());
    env.put("BROKER_DB_USER", PostgresSchema.USER);
    broker = BrokerProcess.start(work, env).awaitReady(Duration.ofSeconds(300));
    SeedAccounts.add(work, env, "ada", "ada@example.org", PASSWORD);
    LoginClient client = new LoginClient(work.resolve("data"), "https://localhost:" + https);
    assertEquals(303, client.signIn("ada", PASSWORD).statusCode());
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (schema != null) {
      schema.close();
    }
  }

  private static BrokerProcess.Completed admin(String... args) throws Exception {
    String[] all = new String[args.length + 1];
    all[0] = "admin";
    System.arraycopy(args, 0, all, 1, args.length);
    return BrokerProcess.run(work, env, null, Duration.ofSeconds(60), all);
  }

  /** Waits until every row is sealed (the sealer runs every 10 s) and the chain verifies. */
  private static Map<String, Object> sealedAndIntact() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      BrokerProcess.Completed run = admin("audit", "verify", "--json");
      Map<String, Object> report = JSONObjectUtils.parse(run.stdout().strip());
      if (run.exitCode() == 0
          && ((Number) report.get("unsealed")).longValue() == 0
          && report.get("checkpoint") != null) {
        return report;
      }
      assertTrue(System.nanoTime() < deadline, run.stdout() + run.stderr());
      Thread.sleep(1000);
    }
  }

  @Test
  void adminCommandsAndLoginsAreSealedThenAnEditedRowIsNamed() throws Exception {
    Map<String, Object> report = sealedAndIntact();
    assertTrue((Boolean) report.get("intact"), report.toString());
    assertTrue(
        Files.isRegularFile(work.resolve("data").resolve("audit").resolve("checkpoint.jws")),
        "a signed checkpoint outside the database");

    BrokerProcess.Completed listed = admin("audit", "list", "--json");
    assertEquals(0, listed.exitCode(), listed.stderr());
    List<Object> events =
        JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(listed.stdout().strip()), "events");
    assertTrue(
        events.stream().anyMatch(e -> "admin.user.add".equals(((Map<?, ?>) e).get("type"))),
        listed.stdout());
    assertTrue(listed.stdout().contains("login"), listed.stdout());
    assertFalse(listed.stdout().contains(PASSWORD), "never a password in the audit log");

    // Time bounds as instants (read by broker.jar and again by the broker), and the admin
    // socket's own actor and source.
    Instant now = Instant.now();
    BrokerProcess.Completed window =
        admin(
            "audit",
            "list",
            "--json",
            "--since",
            now.minus(Duration.ofHours(1)).toString(),
            "--until",
            now.plus(Duration.ofHours(1)).toString(),
            "--account",
            "admin-socket");
    assertEquals(0, window.exitCode(), window.stdout() + window.stderr());
    List<Object> byAdmin =
        JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(window.stdout().strip()), "events");
    assertTrue(
        byAdmin.stream().anyMatch(e -> "admin.user.add".equals(((Map<?, ?>) e).get("type"))),
        window.stdout());
    assertTrue(
        byAdmin.stream()
            .allMatch(
                e ->
                    "admin-socket".equals(((Map<?, ?>) e).get("account"))
                        && "local".equals(((Map<?, ?>) e).get("address"))),
        window.stdout());
    BrokerProcess.Completed earlier = admin("audit", "list", "--since", "3", "--until", "2");
    assertEquals(0, earlier.exitCode(), earlier.stdout() + earlier.stderr());
    assertTrue(earlier.stdout().contains("no audit events from"), earlier.stdout());
    BrokerProcess.Completed wrong = admin("audit", "list", "--until", "yesterday");
    assertEquals(2, wrong.exitCode(), wrong.stdout() + wrong.stderr());
    assertTrue(wrong.stderr().contains("--until must be"), wrong.stderr());

    BrokerProcess.Completed check =
        BrokerProcess.run(work, env, null, Duration.ofSeconds(60), "check", "--json");
    Map<String, Object> self = JSONObjectUtils.parse(check.stdout().strip());
    List<Object> findings = JSONObjectUtils.getJSONArray(self, "findings");
    assertTrue(
        findings.stream()
            .anyMatch(
                f ->
                    "audit-chain".equals(((Map<?, ?>) f).get("check"))
                        && "PASS".equals(((Map<?, ?>) f).get("status"))),
        check.stdout());
    assertTrue(
        findings.stream().anyMatch(f -> "tls-certificate".equals(((Map<?, ?>) f).get("check"))),
        check.stdout());
    assertTrue(
        findings.stream().anyMatch(f -> "secrets".equals(((Map<?, ?>) f).get("check"))),
        check.stdout());

    long edited;
    try (Connection c = schema.connect();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT id FROM security_event WHERE chain_seq IS NOT NULL ORDER BY chain_seq"
                  + " LIMIT 1 OFFSET 1")) {
        assertTrue(rs.next());
        edited = rs.getLong(1);
      }
      s.executeUpdate(
          "UPDATE security_event SET outcome = 'success' , detail = 'nothing to see'"
              + " WHERE id = "
              + edited);
    }
    BrokerProcess.Completed verify = admin("audit", "verify");
    assertEquals(1, verify.exitCode(), verify.stdout() + verify.stderr());
    assertTrue(verify.stdout().contains("BROKEN"), verify.stdout());
    assertTrue(verify.stdout().contains("row id " + edited), verify.stdout());
    BrokerProcess.Completed failing =
        BrokerProcess.run(work, env, null, Duration.ofSeconds(60), "check");
    assertEquals(1, failing.exitCode(), failing.stdout() + failing.stderr());
    assertTrue(failing.stdout().contains("audit-chain"), failing.stdout());
  }
}
