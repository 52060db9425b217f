package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.Https;
import org.cmsbroker.it.support.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broker on the PostgreSQL at 127.0.0.1:5432 (database {@code test}, a fresh schema per test):
 * migrations run at start; a restart with the same data directory keeps the same self-signed
 * certificate and finds the schema already migrated. And the operator's own PEM files are what gets
 * served when configured.
 */
class RestartOnPostgresIT {
  static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
  private String schema;
  private Path work;
  private Map<String, String> env;

  @BeforeEach
  void setUp() throws Exception {
    schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(PG, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    work = BrokerHome.freshDirectory("restart");
    env = new HashMap<>();
    env.put("BROKER_DATA_DIR", work.resolve("data").toString());
    env.put("BROKER_HTTPS_PORT", Integer.toString(BrokerHome.freePort()));
    env.put("BROKER_HTTP_PORT", "off");
    env.put("BROKER_DB_URL", PG + "?currentSchema=" + schema);
    env.put("BROKER_DB_USER", "postgres");
  }

  @AfterEach
  void dropSchema() throws Exception {
    try (Connection c = DriverManager.getConnection(PG, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private int appliedMigrations() throws Exception {
    try (Connection c =
            DriverManager.getConnection(PG + "?currentSchema=" + schema, "postgres", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private String ready() throws Exception {
    HttpResponse<String> ready =
        Https.get(
            Https.client(Path.of(env.get("BROKER_DATA_DIR"))),
            "https://localhost:" + env.get("BROKER_HTTPS_PORT") + "/health/ready");
    assertEquals(200, ready.statusCode(), ready.body());
    return ready.body();
  }

  @Test
  void migratesPostgresAndKeepsItsCertificateAcrossRestart() throws Exception {
    Path data = Path.of(env.get("BROKER_DATA_DIR"));
    X509Certificate first;
    try (BrokerProcess broker =
        BrokerProcess.start(work, env).awaitReady(Duration.ofSeconds(120))) {
      first = Https.servedChain(data).get(0);
      assertTrue(ready().matches(".*\"schemaVersion\":\"\\d+\".*"), "migrated");
    }
    int migrations = appliedMigrations();
    assertTrue(migrations >= 1, "migrations recorded in PostgreSQL");
    try (BrokerProcess again = BrokerProcess.start(work, env).awaitReady(Duration.ofSeconds(120))) {
      assertEquals(first, Https.servedChain(data).get(0), "same certificate after restart");
      ready();
    }
    assertEquals(migrations, appliedMigrations(), "nothing applied twice");
  }

  @Test
  void servesTheOperatorsCertificateWhenConfigured() throws Exception {
    KeyPair pair = TestCertificates.ecKeyPair();
    Path cert =
        TestCertificates.certificate(
            work, "fullchain.pem", pair, Instant.now().minusSeconds(60), Duration.ofDays(90));
    env.put("BROKER_TLS_CERT", cert.toString());
    env.put("BROKER_TLS_KEY", TestCertificates.privateKey(work, "privkey.pem", pair).toString());
    try (BrokerProcess broker =
        BrokerProcess.start(work, env).awaitReady(Duration.ofSeconds(120))) {
      assertTrue(broker.stdout().contains("operator's certificate"), broker.stdout());
      X509Certificate served = Https.servedChain(Path.of(env.get("BROKER_DATA_DIR"))).get(0);
      assertTrue(served.getSubjectX500Principal().getName().contains("Operator Test CA"));
      String body = ready();
      assertTrue(
          body.contains("\"daysToExpiry\":\"89\"") || body.contains("\"daysToExpiry\":\"90\""),
          body);
    }
  }
}
