package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.cmsbroker.it.support.FakeStripe;
import org.cmsbroker.it.support.PaymentJson;
import org.cmsbroker.it.support.PaymentsBroker;
import org.cmsbroker.it.support.PostgresSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code POST /webhooks/stripe} end to end, on the default embedded H2 database and on PostgreSQL
 * (one broker per database for the whole class, started when first needed): broker.jar creates
 * payments through the real Stripe SDK against a fake Stripe (WireMock), and the test delivers
 * events signed exactly as Stripe signs them ({@code t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." +
 * body)>}). What the broker recorded is read through its answers and its admin commands ({@code
 * stripe-events}, {@code payments review}, {@code callbacks list}), which work on both databases.
 */
class StripeWebhookIT {
  static final String WEBHOOK_SECRET = "whsec_" + "itWebhookSecretForTheBrokerTests0";
  static final String ROLLED_SECRET = "whsec_" + "itWebhookSecretRolledOutAlready01";
  static final String ORIGIN = "https://cms.example.org";

  private static WireMockServer stripe;
  private static final Map<String, Broker> BROKERS = new ConcurrentHashMap<>();

  /** One broker on one database, its payments token, and its PostgreSQL schema (if any). */
  record Broker(PaymentsBroker broker, String token, PostgresSchema schema) {}

  static Stream<String> databases() {
    return Stream.of("H2", "PostgreSQL");
  }

  @BeforeAll
  static void start() {
    stripe = FakeStripe.start();
  }

  private static synchronized Broker on(String database) throws Exception {
    Broker running = BROKERS.get(database);
    if (running != null) {
      return running;
    }
    PostgresSchema schema = database.equals("PostgreSQL") ? new PostgresSchema() : null;
    PaymentsBroker.Builder builder =
        PaymentsBroker.builder("webhooks-" + database.toLowerCase(java.util.Locale.ROOT))
            .stripe(stripe)
            .webhookSecret(ROLLED_SECRET + "," + WEBHOOK_SECRET);
    if (schema != null) {
      builder.database(schema);
    }
    PaymentsBroker broker = builder.start().awaitReady();
    Broker started = new Broker(broker, broker.paymentsToken("cms", ORIGIN), schema);
    BROKERS.put(database, started);
    return started;
  }

  @AfterAll
  static void stop() throws Exception {
    List<Object> all = new ArrayList<>();
    for (Broker b : BROKERS.values()) {
      all.add(b.broker());
      all.add(b.schema());
    }
    all.add(stripe);
    PaymentsBroker.stopAll(all.toArray());
  }

  /** Creates a payment of 12.50 EUR; returns its JSON. */
  /**
   * A payment with a unique reference. The UUID's dashes become underscores: digit groups joined by
   * dashes can add up to 13-19 digits that pass Luhn, which the broker rightly refuses as a card
   * number (about once in a few thousand random UUIDs).
   */
  private static Map<String, Object> createPayment(Broker b, String reference) throws Exception {
    return b.broker()
        .createdPayment(
            b.token(),
            PaymentJson.donation(
                    1250, reference + "_" + UUID.randomUUID().toString().replace('-', '_'), ORIGIN)
                .donorEmail("donor@example.org")
                .mode("redirect"));
  }

  private static Map<String, Object> payment(Broker b, String id) throws Exception {
    return b.broker().payment(b.token(), id);
  }

  private static HttpResponse<String> deliver(Broker b, byte[] body, String signature)
      throws Exception {
    return b.broker().webhook(body, signature);
  }

  private static HttpResponse<String> deliver(Broker b, String body) throws Exception {
    return b.broker().webhook(body, WEBHOOK_SECRET);
  }

  /** Delivers {@code body}, asserting 200; returns the recorded outcome the broker answered. */
  private static String delivered(Broker b, String body) throws Exception {
    HttpResponse<String> answer = deliver(b, body);
    assertEquals(200, answer.statusCode(), answer.body());
    return (String) JSONObjectUtils.parse(answer.body()).get("outcome");
  }

  static String sessionEvent(
      String eventId, String type, long created, Map<String, Object> payment, String status) {
    return FakeStripe.sessionEvent(eventId, type, created, payment, status);
  }

  private static String eventId() {
    return "evt_" + UUID.randomUUID().toString().replace("-", "");
  }

  private static String pi() {
    return "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }

  private static final Pattern TOTAL = Pattern.compile("(?m)^([0-9]+) events? in the last 1 hour");

  /** The events recorded in the last hour, as {@code admin stripe-events} counts them. */
  private static long events(Broker b) throws Exception {
    String out = b.broker().adminOk("stripe-events", "--since", "1");
    Matcher total = TOTAL.matcher(out);
    return total.find() ? Long.parseLong(total.group(1)) : 0;
  }

  /** The callbacks enqueued for the client {@code cms}, as {@code admin callbacks list} shows. */
  private static long callbacks(Broker b) throws Exception {
    String out = b.broker().adminOk("callbacks", "list", "--client", "cms", "--limit", "500");
    return out.lines().filter(l -> l.startsWith("msg_")).count();
  }

  /** On PostgreSQL, the security events naming {@code eventId}; -1 on H2 (not readable here). */
  private static long securityEvents(Broker b, String eventId) throws Exception {
    if (b.schema() == null) {
      return -1;
    }
    try (Connection c = b.schema().connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM security_event WHERE event_type = 'stripe.event_refused'"
                    + " AND detail LIKE ?")) {
      s.setString(1, "%event=" + eventId + " %");
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Asserts that {@code event} answered 200 with {@code outcome}, left the payment pending, told
   * the CRM nothing, is listed by {@code admin payments review} and (PostgreSQL) was recorded as a
   * security event.
   */
  private static void refused(
      Broker b, Map<String, Object> payment, String eventId, String event, String outcome)
      throws Exception {
    long callbacksBefore = callbacks(b);
    assertEquals(outcome, delivered(b, event));
    String id = (String) payment.get("id");
    assertEquals("pending", payment(b, id).get("status"));
    assertEquals(callbacksBefore, callbacks(b), "the CRM hears nothing");
    String review = b.broker().adminOk("payments", "review", "--since", "1");
    Matcher row =
        Pattern.compile("(?m)^.*" + eventId + " .*" + id + " +" + outcome + "\\s*$")
            .matcher(review);
    assertTrue(row.find(), review);
    long security = securityEvents(b, eventId);
    assertTrue(security == -1 || security == 1, "security events: " + security);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void paidSessionSucceedsOnceWithOneCallbackAndRepeatsAndOlderNewsChangeNothing(String db)
      throws Exception {
    Broker b = on(db);
    Map<String, Object> payment = createPayment(b, "contrib-webhook-1");
    String id = (String) payment.get("id");
    long now = now();
    long callbacksBefore = callbacks(b);
    String completed = sessionEvent(eventId(), "checkout.session.completed", now, payment, "paid");

    assertEquals("apply", delivered(b, completed));
    assertEquals("succeeded", payment(b, id).get("status"));
    assertEquals(callbacksBefore + 1, callbacks(b), "one callback");
    long recorded = events(b);

    HttpResponse<String> again = deliver(b, completed);
    assertEquals(200, again.statusCode(), again.body());
    assertTrue(again.body().contains("\"duplicate\":true"), again.body());
    assertEquals("succeeded", payment(b, id).get("status"));
    assertEquals(callbacksBefore + 1, callbacks(b), "still one callback");
    assertEquals(recorded, events(b), "the repeat is not recorded twice");

    assertEquals(
        "ignore_stale",
        delivered(
            b, sessionEvent(eventId(), "checkout.session.expired", now - 600, payment, "unpaid")));
    assertEquals("succeeded", payment(b, id).get("status"));
    assertEquals(callbacksBefore + 1, callbacks(b));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void foreignSessionNamingAPendingPaymentByClientReferenceChangesNothing(String db)
      throws Exception {
    Broker b = on(db);
    Map<String, Object> payment = createPayment(b, "contrib-foreign-ref");
    String id = (String) payment.get("id");
    String eventId = eventId();
    // A cheap Payment Link on the same Stripe account, opened with ?client_reference_id=pay_...
    String event =
        FakeStripe.checkoutEvent(
            eventId,
            "checkout.session.completed",
            now(),
            "cs_test_paymentLink" + UUID.randomUUID().toString().replace("-", ""),
            null,
            id,
            100,
            "eur",
            "paid",
            pi());
    refused(b, payment, eventId, event, "foreign_session");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void foreignSessionNamingAPendingPaymentByMetadataChangesNothing(String db) throws Exception {
    Broker b = on(db);
    Map<String, Object> payment = createPayment(b, "contrib-foreign-meta");
    String id = (String) payment.get("id");
    String eventId = eventId();
    String event =
        FakeStripe.checkoutEvent(
            eventId,
            "checkout.session.completed",
            now(),
            "cs_test_elsewhere1",
            id,
            null,
            1250,
            "eur",
            "paid",
            pi());
    refused(b, payment, eventId, event, "foreign_session");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void foreignSessionNamingAPendingPaymentByBothClaimsChangesNothing(String db) throws Exception {
    Broker b = on(db);
    Map<String, Object> payment = createPayment(b, "contrib-foreign-both");
    String id = (String) payment.get("id");
    String eventId = eventId();
    String event =
        FakeStripe.checkoutEvent(
            eventId,
            "checkout.session.async_payment_succeeded",
            now(),
            "cs_test_elsewhere2",
            id,
            id,
            1250,
            "eur",
            "paid",
            pi());
    refused(b, payment, eventId, event, "foreign_session");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void ownSessionWithAnotherAmountChangesNothing(String db) throws Exception {
    Broker b = on(db);
    Map<String, Object> payment = createPayment(b, "contrib-amount");
    String id = (String) payment.get("id");
    String eventId = eventId();
    String event =
        FakeStripe.checkoutEvent(
            eventId,
            "checkout.session.completed",
            now(),
            FakeStripe.sessionId(id),
            id,
            id,
            100,
            "eur",
            "paid",
            pi());
    refused(b, payment, eventId, event, "amount_mismatch");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void ownSessionWithAnotherCurrencyChangesNothing(String db) throws Exception {
    Broker b = on(db);
    Map<String, Object> payment = createPayment(b, "contrib-currency");
    String id = (String) payment.get("id");
    String eventId = eventId();
    String event =
        FakeStripe.checkoutEvent(
            eventId,
            "checkout.session.completed",
            now(),
            FakeStripe.sessionId(id),
            id,
            id,
            1250,
            "usd",
            "paid",
            pi());
    refused(b, payment, eventId, event, "currency_mismatch");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void paymentIntentAttachedToAnotherPaymentChangesNothing(String db) throws Exception {
    Broker b = on(db);
    Map<String, Object> paid = createPayment(b, "contrib-intent-a");
    String intent = pi();
    assertEquals(
        "apply",
        delivered(
            b,
            FakeStripe.sessionEvent(
                eventId(), "checkout.session.completed", now(), paid, "paid", intent)));
    Map<String, Object> other = createPayment(b, "contrib-intent-b");
    String eventId = eventId();
    String event =
        FakeStripe.sessionEvent(
            eventId, "checkout.session.completed", now(), other, "paid", intent);
    refused(b, other, eventId, event, "intent_elsewhere");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void refundAndDisputeFoundOnlyByPaymentIntentAreApplied(String db) throws Exception {
    Broker b = on(db);
    Map<String, Object> payment = createPayment(b, "contrib-by-intent");
    String id = (String) payment.get("id");
    String intent = pi();
    assertEquals(
        "apply",
        delivered(
            b,
            FakeStripe.sessionEvent(
                eventId(), "checkout.session.completed", now(), payment, "paid", intent)));
    long callbacksBefore = callbacks(b);

    assertEquals(
        "apply",
        delivered(b, FakeStripe.chargeEvent(eventId(), "charge.refunded", intent, 1250, 250)));
    Map<String, Object> refunded = payment(b, id);
    assertEquals("partially_refunded", refunded.get("status"));
    assertEquals(250L, ((Number) refunded.get("amount_refunded")).longValue());

    assertEquals(
        "apply",
        delivered(b, FakeStripe.disputeEvent(eventId(), "charge.dispute.created", intent)));
    assertEquals(true, payment(b, id).get("disputed"));
    assertEquals(callbacksBefore + 2, callbacks(b), "the CRM hears of the refund and dispute");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void chargeRefundedForAnUnknownPaymentIntentAnswers200AndChangesNothing(String db)
      throws Exception {
    Broker b = on(db);
    long callbacksBefore = callbacks(b);
    assertEquals(
        "no_payment",
        delivered(b, FakeStripe.chargeEvent(eventId(), "charge.refunded", pi(), 1250, 1250)));
    assertEquals(callbacksBefore, callbacks(b));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void sameSignedEventTwiceAtOnceIsAppliedOnce(String db) throws Exception {
    Broker b = on(db);
    Map<String, Object> payment = createPayment(b, "contrib-race");
    String id = (String) payment.get("id");
    long callbacksBefore = callbacks(b);
    int outBefore = b.broker().process().stdout().length();
    int errBefore = b.broker().process().stderr().length();
    byte[] body =
        sessionEvent(eventId(), "checkout.session.completed", now(), payment, "paid")
            .getBytes(StandardCharsets.UTF_8);
    String signature = FakeStripe.sign(WEBHOOK_SECRET, now(), body);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return deliver(b, body, signature);
                }));
      }
      go.countDown();
      List<String> duplicates = new ArrayList<>();
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get(120, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode(), response.body());
        duplicates.add(String.valueOf(JSONObjectUtils.parse(response.body()).get("duplicate")));
      }
      duplicates.sort(null);
      assertEquals(List.of("false", "true"), duplicates, "exactly one winner");
    } finally {
      pool.shutdownNow();
    }
    assertEquals("succeeded", payment(b, id).get("status"));
    assertEquals(callbacksBefore + 1, callbacks(b), "one callback");
    // The repeat is an expected race: no exception, no stack trace in the broker's log.
    String during =
        b.broker().process().stdout().substring(outBefore)
            + b.broker().process().stderr().substring(errBefore);
    assertFalse(during.contains("\tat "), "a stack trace in the broker's log:\n" + during);
    assertFalse(during.contains("Exception"), "an exception in the broker's log:\n" + during);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void eventSignedWithTheOtherConfiguredSecretIsAccepted(String db) throws Exception {
    Broker b = on(db);
    Map<String, Object> payment = createPayment(b, "contrib-webhook-rolled");
    byte[] body =
        sessionEvent(eventId(), "checkout.session.expired", now(), payment, "unpaid")
            .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> answer = deliver(b, body, FakeStripe.sign(ROLLED_SECRET, now(), body));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("expired", payment(b, (String) payment.get("id")).get("status"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void badSignatureAnswers400AndStoresNothing(String db) throws Exception {
    Broker b = on(db);
    Map<String, Object> payment = createPayment(b, "contrib-webhook-bad");
    String eventId = eventId();
    byte[] body =
        sessionEvent(eventId, "checkout.session.completed", now(), payment, "paid")
            .getBytes(StandardCharsets.UTF_8);
    long t = now();
    long before = events(b);
    for (String signature :
        new String[] {
          FakeStripe.sign("whsec_" + "notTheSecretOfThisEndpoint00", t, body),
          null,
          "garbage",
          "t=" + t + ",v0=" + "00".repeat(32)
        }) {
      HttpResponse<String> answer = deliver(b, body, signature);
      assertEquals(400, answer.statusCode(), answer.body());
      assertTrue(answer.body().contains("\"error\""), answer.body());
      assertTrue(answer.body().contains("\"error_description\""), answer.body());
    }
    // A body changed after signing.
    byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("paid", "PAID").getBytes();
    assertEquals(400, deliver(b, tampered, FakeStripe.sign(WEBHOOK_SECRET, t, body)).statusCode());
    assertEquals(before, events(b), "nothing stored");
    assertEquals("pending", payment(b, (String) payment.get("id")).get("status"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void staleTimestampAnswers400(String db) throws Exception {
    Broker b = on(db);
    Map<String, Object> payment = createPayment(b, "contrib-webhook-stale");
    long t = now() - 301;
    byte[] body =
        sessionEvent(eventId(), "checkout.session.completed", t, payment, "paid")
            .getBytes(StandardCharsets.UTF_8);
    long before = events(b);
    HttpResponse<String> answer = deliver(b, body, FakeStripe.sign(WEBHOOK_SECRET, t, body));
    assertEquals(400, answer.statusCode(), answer.body());
    assertEquals(before, events(b), "nothing stored");
    assertEquals("pending", payment(b, (String) payment.get("id")).get("status"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void futureTimestampBeyondTheToleranceAnswers400AndStoresNothing(String db) throws Exception {
    Broker b = on(db);
    Map<String, Object> payment = createPayment(b, "contrib-webhook-future");
    byte[] body =
        sessionEvent(eventId(), "checkout.session.completed", now(), payment, "paid")
            .getBytes(StandardCharsets.UTF_8);
    // Signed correctly, for a time a minute past the 300 s tolerance ahead of the clock (a minute,
    // so that the time the request takes cannot bring it back into the window).
    long t = now() + 360;
    long before = events(b);
    long callbacksBefore = callbacks(b);
    HttpResponse<String> answer = deliver(b, body, FakeStripe.sign(WEBHOOK_SECRET, t, body));
    assertEquals(400, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("\"error\""), answer.body());
    assertTrue(answer.body().contains("\"error_description\""), answer.body());
    assertEquals(before, events(b), "nothing stored");
    assertEquals(callbacksBefore, callbacks(b), "the CRM hears nothing");
    assertEquals("pending", payment(b, (String) payment.get("id")).get("status"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void malformedJsonWithAValidSignatureAnswers400(String db) throws Exception {
    Broker b = on(db);
    long before = events(b);
    for (String body :
        new String[] {
          "{\"id\": \"evt_broken\", \"type\": ",
          "[]",
          "{\"id\":\"evt_nodata\",\"type\":\"checkout.session.completed\",\"created\":1}",
          "{id: 'evt_lenient', type: 'x', created: 1, data: {object: {}}}"
        }) {
      HttpResponse<String> answer = deliver(b, body);
      assertEquals(400, answer.statusCode(), body + " -> " + answer.body());
      assertTrue(answer.body().contains("\"error_description\""), answer.body());
    }
    assertEquals(before, events(b));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void oversizedBodyIsRefused(String db) throws Exception {
    Broker b = on(db);
    long before = events(b);
    byte[] body = new byte[256 * 1024 + 1];
    java.util.Arrays.fill(body, (byte) ' ');
    body[0] = '{';
    body[body.length - 1] = '}';
    HttpResponse<String> answer = deliver(b, body, FakeStripe.sign(WEBHOOK_SECRET, now(), body));
    assertTrue(
        answer.statusCode() == 413 || answer.statusCode() == 400,
        answer.statusCode() + " " + answer.body());
    assertEquals(before, events(b));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void unknownEventTypeAnswers200AndIsRecordedAsIgnored(String db) throws Exception {
    Broker b = on(db);
    Map<String, Object> payment = createPayment(b, "contrib-webhook-unknown");
    long callbacksBefore = callbacks(b);
    HttpResponse<String> answer =
        deliver(b, sessionEvent(eventId(), "customer.created", now(), payment, "unpaid"));
    assertEquals(200, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("\"outcome\":\"ignore_unknown_type\""), answer.body());
    assertEquals("pending", payment(b, (String) payment.get("id")).get("status"));
    assertEquals(callbacksBefore, callbacks(b));
    assertFalse(answer.body().contains("donor@example.org"));

    // The operator sees the ignored type counted: broker.jar admin stripe-events.
    String listed = b.broker().adminOk("stripe-events", "--since", "1");
    Matcher row =
        Pattern.compile("(?m)^customer\\.created +ignore_unknown_type +([0-9]+) +\\S+$")
            .matcher(listed);
    assertTrue(row.find(), listed);
    assertTrue(Long.parseLong(row.group(1)) >= 1, listed);
    assertTrue(listed.contains(" in the last 1 hour; newest received "), listed);
    assertFalse(listed.contains("donor@example.org"), listed);
  }
}
