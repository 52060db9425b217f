package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmsbroker.it.support.FakeStripe;
import org.cmsbroker.it.support.PaymentJson;
import org.cmsbroker.it.support.PaymentsBroker;
import org.cmsbroker.it.support.PostgresSchema;
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
  static final String WEBHOOK_SECRET = "whsec_" + "itWebhookSecretForTheBrokerTests0";
  static final String ROLLED_SECRET = "whsec_" + "itWebhookSecretRolledOutAlready01";
  static final String ORIGIN = "https://cms.example.org";

  private static WireMockServer stripe;
  private static PostgresSchema schema;
  private static PaymentsBroker broker;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    schema = new PostgresSchema();
    stripe = FakeStripe.start();
    broker =
        PaymentsBroker.builder("webhooks")
            .database(schema)
            .stripe(stripe)
            .webhookSecret(ROLLED_SECRET + "," + WEBHOOK_SECRET)
            .start()
            .awaitReady();
    token = broker.paymentsToken("cms", ORIGIN);
  }

  @AfterAll
  static void stop() throws Exception {
    PaymentsBroker.stopAll(broker, stripe, schema);
  }

  /** Creates a payment of 12.50 EUR; returns its JSON. */
  private static Map<String, Object> createPayment(String reference) throws Exception {
    return broker.createdPayment(
        token,
        PaymentJson.donation(1250, reference, ORIGIN)
            .donorEmail("donor@example.org")
            .mode("redirect"));
  }

  private static Map<String, Object> payment(String id) throws Exception {
    return broker.payment(token, id);
  }

  static String sign(String secret, long t, byte[] body) throws Exception {
    return FakeStripe.sign(secret, t, body);
  }

  private static HttpResponse<String> deliver(byte[] body, String signature) throws Exception {
    return broker.webhook(body, signature);
  }

  private static HttpResponse<String> deliver(String body) throws Exception {
    return broker.webhook(body, WEBHOOK_SECRET);
  }

  static String sessionEvent(
      String eventId, String type, long created, Map<String, Object> payment, String status) {
    return FakeStripe.sessionEvent(eventId, type, created, payment, status);
  }

  private static String eventId() {
    return "evt_" + UUID.randomUUID().toString().replace("-", "");
  }

  private static long count(String sql, String arg) throws Exception {
    try (Connection c = schema.connect();
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
    try (Connection c = schema.connect();
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

    // The operator sees the ignored type counted: broker.jar admin stripe-events.
    String listed = broker.adminOk("stripe-events", "--since", "1");
    Matcher row =
        Pattern.compile("(?m)^customer\\.created +ignore_unknown_type +([0-9]+) +\\S+$")
            .matcher(listed);
    assertTrue(row.find(), listed);
    assertTrue(Long.parseLong(row.group(1)) >= 1, listed);
    assertTrue(listed.contains(" in the last 1 hour; newest received "), listed);
    assertFalse(listed.contains("donor@example.org"), listed);
  }
}
