package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.cmsbroker.callback.Dispatcher;
import org.cmsbroker.callback.civicrm.FakeCiviCrm;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.FakeStripe;
import org.cmsbroker.it.support.LoginClient;
import org.cmsbroker.it.support.NimbusHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CiviCRM callbacks end to end: broker.jar (PostgreSQL, a fake Stripe) records the outcome of a
 * client's payments in a fake CiviCRM (broker-ejb's, over HTTP in this JVM: APIv4 AJAX route,
 * authx's header checks, CiviCRM's Payment API rules) for a client set up with {@code admin client
 * update --callback-format civicrm} and {@code admin client set-civicrm-credentials}. The outbox is
 * swept every second and retries start from one second; every wait is a polling loop with a
 * generous deadline. Each test has its own client, contribution and CiviCRM.
 */
class CiviCrmCallbackIT {
  static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
  static final String WEBHOOK_SECRET = "whsec_" + "itCiviCrmWebhookSecretForTests01";
  static final String ORIGIN = "https://crm.example.org";
  static final Duration DEADLINE = Duration.ofSeconds(240);

  private static WireMockServer stripe;
  private static String schema;
  private static BrokerProcess broker;
  private static Path work;
  private static Map<String, String> env;
  private static String base;
  private static HttpClient http;

  /** One CiviCRM site: its client and access token. */
  record Site(String clientId, String token) {}

  @BeforeAll
  static void start() throws Exception {
    schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(PG, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    stripe = FakeStripe.start();
    work = BrokerHome.freshDirectory("civicrm");
    Path data = work.resolve("data");
    int https = BrokerHome.freePort();
    env = new HashMap<>();
    env.put("BROKER_DATA_DIR", data.toString());
    env.put("BROKER_HTTPS_PORT", Integer.toString(https));
    env.put("BROKER_HTTP_PORT", "off");
    env.put("BROKER_DB_URL", PG + "?currentSchema=" + schema);
    env.put("BROKER_DB_USER", "postgres");
    env.put("BROKER_STRIPE_SECRET_KEY", FakeStripe.SECRET_KEY);
    env.put("BROKER_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
    env.put("BROKER_STRIPE_API_BASE", "http://127.0.0.1:" + stripe.port());
    env.put("BROKER_CALLBACK_POLL_INTERVAL", "1");
    env.put("BROKER_CALLBACK_RETRY_BASE", "1");
    broker = BrokerProcess.start(work, Map.copyOf(env)).awaitReady(Duration.ofSeconds(180));
    base = "https://localhost:" + https;
    http = new LoginClient(data, base).http();
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (stripe != null) {
      stripe.stop();
    }
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(PG, "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  // ---- the operator's side: broker.jar admin ----

  /** Runs {@code broker.jar admin args}, feeding {@code input} (null for none) to its stdin. */
  private static String adminWithInput(String input, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("admin"));
    all.addAll(List.of(args));
    BrokerProcess.Completed run =
        BrokerProcess.run(
            work, Map.copyOf(env), input, Duration.ofSeconds(60), all.toArray(String[]::new));
    assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.stderr());
    return run.stdout();
  }

  private static String adminOk(String... args) throws Exception {
    return adminWithInput(null, args);
  }

  /** Registers a client whose callbacks go to {@code civicrm} with {@code apiKey}. */
  private static Site site(String clientId, FakeCiviCrm civicrm, String apiKey) throws Exception {
    String added =
        adminOk(
            "client",
            "add",
            "--name",
            "CiviCRM " + clientId,
            "--client-id",
            clientId,
            "--web-origin",
            ORIGIN,
            "--grant-type",
            "client_credentials");
    Matcher secret = Pattern.compile("client secret: (\\S+)").matcher(added);
    assertTrue(secret.find(), added);
    adminOk(
        "client",
        "update",
        "--client-id",
        clientId,
        "--callback-url",
        civicrm.url().toString(),
        "--callback-format",
        "civicrm");
    setApiKey(clientId, apiKey);
    String listed = adminOk("client", "list");
    assertTrue(listed.contains(civicrm.url().toString()), listed);
    assertFalse(listed.contains(apiKey), "client list never shows the API key");
    return new Site(clientId, token(clientId, new Secret(secret.group(1))));
  }

  private static void setApiKey(String clientId, String apiKey) throws Exception {
    String stored =
        adminWithInput(apiKey + "\n", "client", "set-civicrm-credentials", "--client-id", clientId);
    assertTrue(stored.contains("CiviCRM credentials stored for client " + clientId), stored);
    assertFalse(stored.contains(apiKey), stored);
  }

  /** One row of {@code admin callbacks list}: id, status and attempts. */
  record Row(String id, String status, int attempts, String line) {}

  private static List<Row> callbacks(String clientId) throws Exception {
    String out = adminOk("callbacks", "list", "--client", clientId);
    List<Row> rows = new ArrayList<>();
    for (String line : out.lines().toList()) {
      if (line.startsWith("msg_")) {
        String[] cells = line.split("\\s{2,}");
        rows.add(new Row(cells[0], cells[3], Integer.parseInt(cells[4]), line));
      }
    }
    return rows;
  }

  /** Waits until the client's only callback is delivered after {@code attempts} attempts. */
  private static Row deliveredOnce(String clientId, int attempts) throws Exception {
    return await(
        "the callback of " + clientId + " delivered after " + attempts + " attempt(s)",
        () -> {
          List<Row> rows = callbacks(clientId);
          return rows.size() == 1
                  && rows.get(0).status().equals("delivered")
                  && rows.get(0).attempts() == attempts
              ? rows.get(0)
              : null;
        });
  }

  private static <T> T await(String what, Callable<T> probe) throws Exception {
    Instant deadline = Instant.now().plus(DEADLINE);
    while (Instant.now().isBefore(deadline)) {
      T value = probe.call();
      if (value != null) {
        return value;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("gave up waiting for: " + what);
  }

  // ---- the CMS's side: payments API, and Stripe's webhooks ----

  private static String token(String clientId, Secret secret) throws Exception {
    TokenRequest request =
        new TokenRequest(
            URI.create(base + "/oauth2/token"),
            new ClientSecretBasic(new ClientID(clientId), secret),
            new ClientCredentialsGrant(),
            new Scope("payments"));
    TokenResponse answer =
        OIDCTokenResponseParser.parse(NimbusHttp.send(http, request.toHTTPRequest()));
    assertTrue(answer.indicatesSuccess(), String.valueOf(answer.toHTTPResponse().getBody()));
    return answer.toSuccessResponse().getTokens().getAccessToken().getValue();
  }

  /** A 12.50 EUR payment for CiviCRM contribution {@code contributionId}. */
  private static Map<String, Object> createPayment(Site site, long contributionId)
      throws Exception {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("amount", 1250);
    json.put("currency", "eur");
    json.put("description", "Donation");
    json.put("reference", Long.toString(contributionId));
    json.put("return_url", ORIGIN + "/civicrm/contribute/transact?_qf_ThankYou_display=1");
    json.put("cancel_url", ORIGIN + "/civicrm/contribute/transact?cancel=1");
    json.put("mode", "redirect");
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/payments"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + site.token())
                .header("Idempotency-Key", "it-" + UUID.randomUUID())
                .POST(HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(json)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(201, answer.statusCode(), answer.body());
    return JSONObjectUtils.parse(answer.body());
  }

  private static void stripeSends(String event) throws Exception {
    byte[] body = event.getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/webhooks/stripe"))
                .header("Content-Type", "application/json; charset=utf-8")
                .header(
                    "Stripe-Signature",
                    FakeStripe.sign(WEBHOOK_SECRET, Instant.now().getEpochSecond(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
  }

  /** A paid checkout.session.completed for {@code payment}, paid by PaymentIntent {@code pi}. */
  private static String completed(Map<String, Object> payment, String pi) {
    return FakeStripe.sessionEvent(
        "evt_" + UUID.randomUUID().toString().replace("-", ""),
        "checkout.session.completed",
        Instant.now().getEpochSecond(),
        payment,
        "paid",
        pi);
  }

  private static String paymentIntentId() {
    return "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
  }

  private static String apiKey() {
    return "civiApiKey" + UUID.randomUUID().toString().replace("-", "");
  }

  private static List<FakeCiviCrm.Payment> paymentsOf(FakeCiviCrm civicrm, long contributionId) {
    return civicrm.payments().stream().filter(p -> p.contributionId() == contributionId).toList();
  }

  /** Whether any file the broker and its admin runs wrote (their output, logs) contains it. */
  private static boolean writtenByTheBroker(String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(work)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (Files.size(file) < 64L * 1024 * 1024 && contains(Files.readAllBytes(file), needle)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  // ---- the cases ----

  @Test
  void aPaidSessionIsRecordedAsOnePaymentThatCompletesTheContribution() throws Exception {
    String key = apiKey();
    try (FakeCiviCrm civicrm = new FakeCiviCrm(key)) {
      civicrm.contribution(42, "EUR", "12.50", "Pending");
      Site site = site("civi-a", civicrm, key);
      Map<String, Object> payment = createPayment(site, 42);
      String pi = paymentIntentId();

      stripeSends(completed(payment, pi));

      Row row = deliveredOnce(site.clientId(), 1);
      List<FakeCiviCrm.Payment> recorded = paymentsOf(civicrm, 42);
      assertEquals(1, recorded.size(), recorded.toString());
      assertEquals(
          0, new BigDecimal("12.50").compareTo(recorded.get(0).total()), recorded.toString());
      assertEquals(pi, recorded.get(0).trxnId());
      assertEquals("Completed", civicrm.status(42));
      assertEquals(
          List.of("Contribution/get", "FinancialTrxn/get", "Payment/create"), civicrm.calls());
      assertTrue(row.line().contains("payment.succeeded"), row.line());
    }
  }

  @Test
  void aRepeatedWebhookAndAReplayRecordNothingTwice() throws Exception {
    String key = apiKey();
    try (FakeCiviCrm civicrm = new FakeCiviCrm(key)) {
      civicrm.contribution(43, "EUR", "12.50", "Pending");
      Site site = site("civi-b", civicrm, key);
      Map<String, Object> payment = createPayment(site, 43);
      String pi = paymentIntentId();
      String event = completed(payment, pi);
      stripeSends(event);
      Row first = deliveredOnce(site.clientId(), 1);

      stripeSends(event);
      String replayed = adminOk("callbacks", "replay", first.id());
      assertTrue(replayed.contains("replaying callback " + first.id()), replayed);

      Row again = deliveredOnce(site.clientId(), 2);
      assertEquals(first.id(), again.id());
      List<FakeCiviCrm.Payment> recorded = paymentsOf(civicrm, 43);
      assertEquals(1, recorded.size(), recorded.toString());
      assertEquals(pi, recorded.get(0).trxnId());
      assertEquals("Completed", civicrm.status(43));
      assertEquals(
          List.of(
              "Contribution/get",
              "FinancialTrxn/get",
              "Payment/create",
              "Contribution/get",
              "FinancialTrxn/get"),
          civicrm.calls(),
          "the replay found the payment and created none");
    }
  }

  @Test
  void aWrongApiKeyGoesDeadUnloggedAndAReplayAfterTheFixRecordsOnce() throws Exception {
    String key = apiKey();
    String wrongKey = apiKey();
    try (FakeCiviCrm civicrm = new FakeCiviCrm(key)) {
      civicrm.contribution(44, "EUR", "12.50", "Pending");
      Site site = site("civi-c", civicrm, wrongKey);
      Map<String, Object> payment = createPayment(site, 44);
      String pi = paymentIntentId();
      stripeSends(completed(payment, pi));

      Row dead =
          await(
              "the callback dead after the client-error attempts",
              () -> {
                List<Row> rows = callbacks(site.clientId());
                return rows.size() == 1 && rows.get(0).status().equals("dead") ? rows.get(0) : null;
              });
      assertEquals(Dispatcher.CLIENT_ERROR_ATTEMPTS, dead.attempts(), dead.line());
      assertTrue(dead.line().contains("401"), dead.line());
      assertTrue(dead.line().contains("authx does not know this API key"), dead.line());
      assertEquals(
          Collections.nCopies(Dispatcher.CLIENT_ERROR_ATTEMPTS, 401),
          civicrm.answered(),
          "every attempt refused by authx");
      assertTrue(civicrm.payments().isEmpty());
      assertEquals("Pending", civicrm.status(44));
      String everything = adminOk("callbacks", "list");
      assertTrue(everything.contains(dead.id()), everything);
      assertFalse(everything.contains(wrongKey), "callbacks list never shows the API key");
      assertFalse(writtenByTheBroker(wrongKey), "the API key is in no broker output or log");

      setApiKey(site.clientId(), key);
      String replayed = adminOk("callbacks", "replay", dead.id());
      assertTrue(replayed.contains("replaying callback " + dead.id()), replayed);

      Row delivered = deliveredOnce(site.clientId(), Dispatcher.CLIENT_ERROR_ATTEMPTS + 1);
      assertEquals(dead.id(), delivered.id());
      List<FakeCiviCrm.Payment> recorded = paymentsOf(civicrm, 44);
      assertEquals(1, recorded.size(), recorded.toString());
      assertEquals(pi, recorded.get(0).trxnId());
      assertEquals("Completed", civicrm.status(44));
      assertFalse(writtenByTheBroker(wrongKey), "the API key is in no broker output or log");
      assertFalse(writtenByTheBroker(key), "the API key is in no broker output or log");
    }
  }
}
