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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.FakeStripe;
import org.cmsbroker.it.support.LoginClient;
import org.cmsbroker.it.support.NimbusHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /webhooks/stripe} end to end, on a fresh PostgreSQL schema so the test can read the
 * {@code stripe_event} and {@code callback_message} tables: broker.jar creates payments through the
 * real Stripe SDK against a fake Stripe (WireMock), and the test delivers events signed exactly as
 * Stripe signs them ({@code t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}).
 */
class StripeWebhookIT {
  static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
  static final String SECRET_KEY = FakeStripe.SECRET_KEY;
  static final String WEBHOOK_SECRET = "whsec_" + "itWebhookSecretForTheBrokerTests0";
  static final String ROLLED_SECRET = "whsec_" + "itWebhookSecretRolledOutAlready01";
  static final String ORIGIN = "https://cms.example.org";

  private static WireMockServer stripe;
  private static String schema;
  private static BrokerProcess broker;
  private static Path work;
  private static Map<String, String> env;
  private static String base;
  private static HttpClient http;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(PG, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    stripe = FakeStripe.start();
    work = BrokerHome.freshDirectory("webhooks");
    Path data = work.resolve("data");
    int https = BrokerHome.freePort();
    env = new HashMap<>();
    env.put("BROKER_DATA_DIR", data.toString());
    env.put("BROKER_HTTPS_PORT", Integer.toString(https));
    env.put("BROKER_HTTP_PORT", "off");
    env.put("BROKER_DB_URL", PG + "?currentSchema=" + schema);
    env.put("BROKER_DB_USER", "postgres");
    env.put("BROKER_STRIPE_SECRET_KEY", SECRET_KEY);
    env.put("BROKER_STRIPE_WEBHOOK_SECRET", ROLLED_SECRET + "," + WEBHOOK_SECRET);
    env.put("BROKER_STRIPE_API_BASE", "http://127.0.0.1:" + stripe.port());
    broker = BrokerProcess.start(work, Map.copyOf(env)).awaitReady(Duration.ofSeconds(180));
    base = "https://localhost:" + https;
    http = new LoginClient(data, base).http();
    token = token("cms", register("cms"));
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

  private static Secret register(String clientId) throws Exception {
    BrokerProcess.Completed run =
        BrokerProcess.run(
            work,
            Map.copyOf(env),
            null,
            Duration.ofSeconds(60),
            "admin",
            "client",
            "add",
            "--name",
            "CMS " + clientId,
            "--client-id",
            clientId,
            "--web-origin",
            ORIGIN,
            "--grant-type",
            "client_credentials");
    assertEquals(0, run.exitCode(), run.stderr());
    Matcher m = Pattern.compile("client secret: (\\S+)").matcher(run.stdout());
    assertTrue(m.find(), run.stdout());
    return new Secret(m.group(1));
  }

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

  /** Creates a payment of 12.50 EUR; returns its JSON. */
  private static Map<String, Object> createPayment(String reference) throws Exception {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("amount", 1250);
    json.put("currency", "eur");
    json.put("description", "Donation");
    json.put("reference", reference);
    json.put("donor_email", "donor@example.org");
    json.put("return_url", ORIGIN + "/donate/thanks");
    json.put("cancel_url", ORIGIN + "/donate/cancelled");
    json.put("mode", "redirect");
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/payments"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .header("Idempotency-Key", "it-" + UUID.randomUUID())
                .POST(HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(json)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(201, answer.statusCode(), answer.body());
    return JSONObjectUtils.parse(answer.body());
  }

  private static Map<String, Object> payment(String id) throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/payments/" + id))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
    return JSONObjectUtils.parse(answer.body());
  }

  static String sign(String secret, long t, byte[] body) throws Exception {
    return FakeStripe.sign(secret, t, body);
  }

  private static HttpResponse<String> deliver(byte[] body, String signature) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + "/webhooks/stripe"))
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) {
      request.header("Stripe-Signature", signature);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> deliver(String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return deliver(bytes, sign(WEBHOOK_SECRET, Instant.now().getEpochSecond(), bytes));
  }

  static String sessionEvent(
      String eventId, String type, long created, Map<String, Object> payment, String status) {
    return FakeStripe.sessionEvent(eventId, type, created, payment, status);
  }

  private static String eventId() {
    return "evt_" + UUID.randomUUID().toString().replace("-", "");
  }

  private static long count(String sql, String arg) throws Exception {
    try (Connection c =
            DriverManager.getConnection(PG + "?currentSchema=" + schema, "postgres", "");
        PreparedStatement s = c.prepareStatement(sql)) {
      if (arg != null) {
        s.setString(1, arg);
      }
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long events() throws Exception {
    return count("SELECT count(*) FROM stripe_event", null);
  }

  private static long outboxFor(String clientId) throws Exception {
    return count("SELECT count(*) FROM callback_message WHERE client_id = ?", clientId);
  }

  private static String outcome(String eventId) throws Exception {
    try (Connection c =
            DriverManager.getConnection(PG + "?currentSchema=" + schema, "postgres", "");
        PreparedStatement s =
            c.prepareStatement("SELECT outcome FROM stripe_event WHERE event_id = ?")) {
      s.setString(1, eventId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  @Test
  void paidSessionSucceedsOnceWithOneCallbackAndRepeatsAndOlderNewsChangeNothing()
      throws Exception {
    Map<String, Object> payment = createPayment("contrib-webhook-1");
    String id = (String) payment.get("id");
    long now = Instant.now().getEpochSecond();
    long outboxBefore = outboxFor("cms");
    String completed = sessionEvent(eventId(), "checkout.session.completed", now, payment, "paid");

    HttpResponse<String> first = deliver(completed);
    assertEquals(200, first.statusCode(), first.body());
    Map<String, Object> after = payment(id);
    assertEquals("succeeded", after.get("status"));
    assertEquals(outboxBefore + 1, outboxFor("cms"), "one outbox message");
    long recorded = events();

    HttpResponse<String> again = deliver(completed);
    assertEquals(200, again.statusCode(), again.body());
    assertTrue(again.body().contains("\"duplicate\":true"), again.body());
    assertEquals("succeeded", payment(id).get("status"));
    assertEquals(outboxBefore + 1, outboxFor("cms"), "still one outbox message");
    assertEquals(recorded, events(), "the repeat is not recorded twice");

    String expiredId = eventId();
    HttpResponse<String> older =
        deliver(sessionEvent(expiredId, "checkout.session.expired", now - 600, payment, "unpaid"));
    assertEquals(200, older.statusCode(), older.body());
    assertEquals("succeeded", payment(id).get("status"));
    assertEquals(outboxBefore + 1, outboxFor("cms"));
    assertEquals("ignore_stale", outcome(expiredId));
  }

  @Test
  void eventSignedWithTheOtherConfiguredSecretIsAccepted() throws Exception {
    Map<String, Object> payment = createPayment("contrib-webhook-rolled");
    byte[] body =
        sessionEvent(
                eventId(),
                "checkout.session.expired",
                Instant.now().getEpochSecond(),
                payment,
                "unpaid")
            .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> answer =
        deliver(body, sign(ROLLED_SECRET, Instant.now().getEpochSecond(), body));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("expired", payment((String) payment.get("id")).get("status"));
  }

  @Test
  void badSignatureAnswers400AndStoresNothing() throws Exception {
    Map<String, Object> payment = createPayment("contrib-webhook-bad");
    String eventId = eventId();
    byte[] body =
        sessionEvent(
                eventId,
                "checkout.session.completed",
                Instant.now().getEpochSecond(),
                payment,
                "paid")
            .getBytes(StandardCharsets.UTF_8);
    long t = Instant.now().getEpochSecond();
    for (String signature :
        new String[] {
          sign("whsec_" + "notTheSecretOfThisEndpoint00", t, body),
          null,
          "garbage",
          "t=" + t + ",v0=" + "00".repeat(32)
        }) {
      HttpResponse<String> answer = deliver(body, signature);
      assertEquals(400, answer.statusCode(), answer.body());
      assertTrue(answer.body().contains("\"error\""), answer.body());
      assertTrue(answer.body().contains("\"error_description\""), answer.body());
    }
    // A body changed after signing.
    byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("paid", "PAID").getBytes();
    assertEquals(400, deliver(tampered, sign(WEBHOOK_SECRET, t, body)).statusCode());
    assertEquals(null, outcome(eventId));
    assertEquals("pending", payment((String) payment.get("id")).get("status"));
  }

  @Test
  void staleTimestampAnswers400() throws Exception {
    Map<String, Object> payment = createPayment("contrib-webhook-stale");
    String eventId = eventId();
    long t = Instant.now().getEpochSecond() - 301;
    byte[] body =
        sessionEvent(eventId, "checkout.session.completed", t, payment, "paid")
            .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> answer = deliver(body, sign(WEBHOOK_SECRET, t, body));
    assertEquals(400, answer.statusCode(), answer.body());
    assertEquals(null, outcome(eventId));
    assertEquals("pending", payment((String) payment.get("id")).get("status"));
  }

  @Test
  void malformedJsonWithAValidSignatureAnswers400() throws Exception {
    long before = events();
    for (String body :
        new String[] {
          "{\"id\": \"evt_broken\", \"type\": ",
          "[]",
          "{\"id\":\"evt_nodata\",\"type\":\"checkout.session.completed\",\"created\":1}",
          "{id: 'evt_lenient', type: 'x', created: 1, data: {object: {}}}"
        }) {
      HttpResponse<String> answer = deliver(body);
      assertEquals(400, answer.statusCode(), body + " -> " + answer.body());
      assertTrue(answer.body().contains("\"error_description\""), answer.body());
    }
    assertEquals(before, events());
  }

  @Test
  void oversizedBodyIsRefused() throws Exception {
    long before = events();
    byte[] body = new byte[256 * 1024 + 1];
    java.util.Arrays.fill(body, (byte) ' ');
    body[0] = '{';
    body[body.length - 1] = '}';
    HttpResponse<String> answer =
        deliver(body, sign(WEBHOOK_SECRET, Instant.now().getEpochSecond(), body));
    assertTrue(
        answer.statusCode() == 413 || answer.statusCode() == 400,
        answer.statusCode() + " " + answer.body());
    assertEquals(before, events());
  }

  @Test
  void unknownEventTypeAnswers200AndIsRecordedAsIgnored() throws Exception {
    Map<String, Object> payment = createPayment("contrib-webhook-unknown");
    String eventId = eventId();
    long outboxBefore = outboxFor("cms");
    HttpResponse<String> answer =
        deliver(
            sessionEvent(
                eventId, "customer.created", Instant.now().getEpochSecond(), payment, "unpaid"));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("ignore_unknown_type", outcome(eventId));
    assertEquals("pending", payment((String) payment.get("id")).get("status"));
    assertEquals(outboxBefore, outboxFor("cms"));
    assertFalse(answer.body().contains("donor@example.org"));
  }
}
