package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.TestCertificates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A bad or missing setting stops {@code broker.jar} before Payara boots: exit code 2 and exactly
 * one line on standard error naming the setting and the problem, no stack trace, no secret.
 */
class BadSettingIT {
  private Path work;
  private Map<String, String> env;

  @BeforeEach
  void setUp() throws Exception {
    work = BrokerHome.freshDirectory("bad-setting");
    env = new HashMap<>();
    env.put("BROKER_DATA_DIR", work.resolve("data").toString());
    env.put("BROKER_HTTPS_PORT", Integer.toString(BrokerHome.freePort()));
    env.put("BROKER_HTTP_PORT", Integer.toString(BrokerHome.freePort()));
  }

  /** Runs the broker and returns its one error line, asserting the rest of the contract. */
  private String refusal() throws Exception {
    try (BrokerProcess broker = BrokerProcess.start(work, env)) {
      int code = broker.awaitExit(Duration.ofSeconds(60));
      String err = broker.stderr();
      assertEquals(2, code, "exit code; stderr: " + err);
      assertEquals(1, err.lines().count(), "one line: " + err);
      assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
      assertFalse(broker.stdout().contains("Payara"), "Payara must not have booted");
      return err.strip();
    }
  }

  @Test
  void portThatIsNotANumber() throws Exception {
    env.put("BROKER_HTTPS_PORT", "abc");
    assertEquals("broker: BROKER_HTTPS_PORT: \"abc\" is not a port number (1-65535)", refusal());
  }

  @Test
  void portThatIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
      env.put("BROKER_HTTPS_PORT", Integer.toString(taken.getLocalPort()));
      String line = refusal();
      assertTrue(line.startsWith("broker: BROKER_HTTPS_PORT: port " + taken.getLocalPort()), line);
      assertTrue(line.contains("cannot be used"), line);
    }
  }

  @Test
  void unreadableCertificateFile() throws Exception {
    env.put("BROKER_TLS_CERT", work.resolve("missing-fullchain.pem").toString());
    env.put("BROKER_TLS_KEY", work.resolve("missing-privkey.pem").toString());
    String line = refusal();
    assertTrue(line.startsWith("broker: BROKER_TLS_CERT: cannot read "), line);
    assertTrue(line.endsWith("no such file"), line);
  }

  @Test
  void keyThatDoesNotMatchTheCertificate() throws Exception {
    KeyPair certified = TestCertificates.ecKeyPair();
    KeyPair other = TestCertificates.ecKeyPair();
    Path cert =
        TestCertificates.certificate(
            work, "fullchain.pem", certified, Instant.now().minusSeconds(60), Duration.ofDays(90));
    Path key = TestCertificates.privateKey(work, "privkey.pem", other);
    env.put("BROKER_TLS_CERT", cert.toString());
    env.put("BROKER_TLS_KEY", key.toString());
    assertEquals(
        "broker: BROKER_TLS_KEY: the private key does not match the certificate in BROKER_TLS_CERT",
        refusal());
  }

  @Test
  void expiredCertificate() throws Exception {
    KeyPair pair = TestCertificates.ecKeyPair();
    Path cert =
        TestCertificates.certificate(
            work,
            "fullchain.pem",
            pair,
            Instant.now().minus(Duration.ofDays(100)),
            Duration.ofDays(90));
    env.put("BROKER_TLS_CERT", cert.toString());
    env.put("BROKER_TLS_KEY", TestCertificates.privateKey(work, "privkey.pem", pair).toString());
    assertTrue(refusal().startsWith("broker: BROKER_TLS_CERT: the certificate expired on "));
  }

  @Test
  void unreachableDatabase() throws Exception {
    env.put("BROKER_DB_URL", "jdbc:postgresql://127.0.0.1:" + BrokerHome.freePort() + "/test");
    env.put("BROKER_DB_USER", "postgres");
    env.put("BROKER_DB_PASSWORD", "s3cret-never-printed");
    String line = refusal();
    assertTrue(line.startsWith("broker: BROKER_DB_URL: cannot connect to the database: "), line);
    assertFalse(line.contains("s3cret-never-printed"), line);
  }

  @Test
  void publicUrlThatIsNotHttps() throws Exception {
    env.put("BROKER_PUBLIC_URL", "http://broker.example.org");
    assertEquals("broker: BROKER_PUBLIC_URL: must be an https:// URL", refusal());
  }

  @Test
  void stripeWebhookSecretTheVerifierWouldRefuse() throws Exception {
    env.put("BROKER_STRIPE_WEBHOOK_SECRET", "whsec_tooShort42");
    String line = refusal();
    assertTrue(
        line.startsWith(
            "broker: BROKER_STRIPE_WEBHOOK_SECRET: the secret is not a Stripe webhook signing"
                + " secret"),
        line);
    assertFalse(line.contains("tooShort42"), "the secret must not be printed: " + line);
  }

  @Test
  void stripeApiBaseOverHttpOnANonLoopbackHost() throws Exception {
    env.put("BROKER_STRIPE_API_BASE", "http://stripe.example.org");
    assertEquals(
        "broker: BROKER_STRIPE_API_BASE: must be an https:// URL (http only to localhost,"
            + " 127.0.0.0/8 or [::1])",
        refusal());
  }

  @Test
  void unknownCommand() throws Exception {
    try (BrokerProcess broker = BrokerProcess.start(work, env, "frobnicate")) {
      assertEquals(2, broker.awaitExit(Duration.ofSeconds(30)));
      assertTrue(broker.stderr().startsWith("broker: unknown command \"frobnicate\""));
    }
  }
}
