package org.cmsbroker.it;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.auth.Secret;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.cmsbroker.it.support.DatabaseBrokers;
import org.cmsbroker.it.support.DatabaseBrokers.Db;
import org.cmsbroker.it.support.FakeStripe;
import org.cmsbroker.it.support.PaymentJson;
import org.cmsbroker.it.support.PaymentsBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cancel, refunds, Stripe fetches and card-testing limits end to end: broker.jar (on H2 and on
 * PostgreSQL, one broker per database for the whole class, started lazily) talks through the real
 * Stripe SDK to a fake Stripe (WireMock) that answers session creation, expiry and retrieval and
 * refund creation; events are signed as Stripe signs them. What the broker stored is read through
 * its answers and its admin commands, which work on both databases; on PostgreSQL the test also
 * reads the stored event outcomes. The clients' ids carry the database's name. A further broker
 * (H2) with low rate limits shows the 429s.
 */
class PaymentsRefundIT {
  static final String WEBHOOK_SECRET = "whsec_" + "itRefundsWebhookSecretForTests01";
  static final String ORIGIN = "https://cms.example.org";
  static final String SESSIONS = FakeStripe.SESSIONS;

  private static WireMockServer stripe;
  private static final DatabaseBrokers<Clients> BROKERS =
      DatabaseBrokers.of(
          "refunds",
          builder ->
              builder
                  .stripe(stripe)
                  .webhookSecret(WEBHOOK_SECRET)
                  .setting("BROKER_PAYMENT_AMOUNT_MIN", "100")
                  .setting("BROKER_PAYMENT_AMOUNT_MAX", "500000"),
          Clients::of);

  /**
   * The clients {@code cms} and {@code other}, registered once on one database's broker; their ids
   * end in the database's name.
   */
  record Clients(Db db, String cmsId, Secret cmsSecret, String otherId, Secret otherSecret) {
    static Clients of(Db db) throws Exception {
      String cmsId = "cms" + db.suffix();
      String otherId = "other" + db.suffix();
      return new Clients(
          db,
          cmsId,
          db.broker().addClient(cmsId, ORIGIN),
          otherId,
          db.broker().addClient(otherId, "https://other.example.net"));
    }
  }

  /**
   * What a test uses: the broker on one database, and payments tokens of {@code cms}, {@code
   * other}.
   */
  record Shop(Db db, String cmsId, String token, String otherToken) {
    PaymentsBroker broker() {
      return db.broker();
    }
  }

  static Stream<String> databases() {
    return DatabaseBrokers.databases();
  }

  @BeforeAll
  static void start() {
    stripe = FakeStripe.start();
    stubStripe();
  }

  /**
   * The broker on {@code database}, with payments tokens minted now: a token lives five minutes,
   * and this class runs longer (three brokers start in it).
   */
  private static Shop on(String database) throws Exception {
    Clients c = BROKERS.on(database);
    PaymentsBroker broker = c.db().broker();
    return new Shop(
        c.db(),
        c.cmsId(),
        broker.token(c.cmsId(), c.cmsSecret()),
        broker.token(c.otherId(), c.otherSecret()));
  }

  /** Beyond session creation: expiry and refunds. */
  private static void stubStripe() {
    stripe.stubFor(
        post(urlPathMatching(SESSIONS + "/[^/]+/expire"))
            .willReturn(
                json(
                    """
                    {
                      "id": "{{request.pathSegments.[3]}}",
                      "object": "checkout.session",
                      "payment_intent": null,
                      "payment_status": "unpaid",
                      "status": "expired"
                    }
                    """)));
    stripe.stubFor(
        post(urlEqualTo("/v1/refunds"))
            .willReturn(
                json(
                    """
                    {
                      "id": "re_{{randomValue length=24 type='ALPHANUMERIC'}}",
                      "object": "refund",
                      "amount": 100,
                      "currency": "eur",
                      "status": "succeeded"
                    }
                    """)));
  }

  private static ResponseDefinitionBuilder json(String body) {
    return FakeStripe.answer(body);
  }

  @AfterAll
  static void stop() throws Exception {
    PaymentsBroker.stopAll(BROKERS, stripe);
  }

  // ---- HTTP helpers -------------------------------------------------------------------------

  private static String paymentBody(long amount, String reference) {
    return PaymentJson.donation(amount, reference, ORIGIN).toJson();
  }

  private static HttpResponse<String> send(
      PaymentsBroker broker, String bearer, String path, String key, String body) throws Exception {
    return broker.post(path, bearer, key, body);
  }

  private static HttpResponse<String> read(Shop s, String bearer, String path) throws Exception {
    return s.broker().get(path, bearer);
  }

  private static Map<String, Object> json(HttpResponse<String> response) throws Exception {
    return JSONObjectUtils.parse(response.body());
  }

  private static String key() {
    return "it-" + UUID.randomUUID();
  }

  /** Creates a pending payment of {@code amount} as the client {@code cms}; returns its id. */
  private static String createPayment(Shop s, long amount, String reference) throws Exception {
    HttpResponse<String> answer =
        send(s.broker(), s.token(), "/api/v1/payments", key(), paymentBody(amount, reference));
    assertEquals(201, answer.statusCode(), answer.body());
    return (String) json(answer).get("id");
  }

  private static Map<String, Object> payment(Shop s, String id) throws Exception {
    HttpResponse<String> answer = read(s, s.token(), "/api/v1/payments/" + id);
    assertEquals(200, answer.statusCode(), answer.body());
    return json(answer);
  }

  private static HttpResponse<String> cancel(Shop s, String bearer, String id) throws Exception {
    return send(s.broker(), bearer, "/api/v1/payments/" + id + "/cancel", null, "");
  }

  private static HttpResponse<String> refund(Shop s, String id, String key, String body)
      throws Exception {
    return send(s.broker(), s.token(), "/api/v1/payments/" + id + "/refunds", key, body);
  }

  // ---- what the broker stored ---------------------------------------------------------------

  /** The Checkout Session the fake Stripe made for the payment (its id is the payment's). */
  private static String sessionOf(String paymentId) {
    return FakeStripe.sessionId(paymentId);
  }

  /** The callback messages in the outbox of the client {@code cms}. */
  private static long outbox(Shop s) throws Exception {
    return s.broker().callbackMessages(s.cmsId());
  }

  /** The Stripe events the broker recorded in the last hour. */
  private static long events(Shop s) throws Exception {
    return s.broker().stripeEventsInTheLastHour();
  }

  /** The outcome the broker answered for each event it was sent, the last answer kept. */
  private static final Map<String, String> ANSWERED = new ConcurrentHashMap<>();

  /**
   * The outcome recorded for {@code eventId} (null: none). On PostgreSQL the stored row, which must
   * agree with what the broker answered; on H2, whose file the running broker holds open, the
   * outcome the broker answered when it recorded the event.
   */
  private static String outcome(Shop s, String eventId) throws Exception {
    String answered = ANSWERED.get(eventId);
    if (!s.db().readable()) {
      return answered;
    }
    try (Connection c = s.db().schema().connect();
        PreparedStatement q =
            c.prepareStatement("SELECT outcome FROM stripe_event WHERE event_id = ?")) {
      q.setString(1, eventId);
      try (ResultSet rs = q.executeQuery()) {
        String stored = rs.next() ? rs.getString(1) : null;
        assertEquals(answered, stored, "the stored outcome is the one answered");
        return stored;
      }
    }
  }

  // ---- Stripe events ----------------------------------------------------------------------

  private static String eventId() {
    return "evt_" + UUID.randomUUID().toString().replace("-", "");
  }

  private static String event(String id, String type, String object) {
    return """
        {"id": "%s", "object": "event", "api_version": "2024-06-20", "created": %d,
         "data": {"object": %s}, "livemode": false, "pending_webhooks": 1, "type": "%s"}
        """
        .formatted(id, Instant.now().getEpochSecond(), object, type);
  }

  private static HttpResponse<String> deliver(Shop s, String body) throws Exception {
    HttpResponse<String> answer = s.broker().webhook(body, WEBHOOK_SECRET);
    Map<String, Object> event = JSONObjectUtils.parse(body);
    if (answer.statusCode() == 200) {
      ANSWERED.put((String) event.get("id"), (String) json(answer).get("outcome"));
    } else {
      ANSWERED.remove((String) event.get("id"));
    }
    return answer;
  }

  /** Delivers {@code checkout.session.completed} (paid) naming {@code paymentIntent}. */
  private static void succeed(Shop s, String paymentId, String paymentIntent) throws Exception {
    String session =
        """
        {"id": "%s", "object": "checkout.session", "client_reference_id": "%s",
         "metadata": {"broker_payment_id": "%s"}, "mode": "payment", "payment_intent": "%s",
         "amount_total": %d, "currency": "%s", "payment_status": "paid", "status": "complete"}
        """
            .formatted(
                sessionOf(paymentId),
                paymentId,
                paymentId,
                paymentIntent,
                ((Number) payment(s, paymentId).get("amount")).longValue(),
                payment(s, paymentId).get("currency"));
    HttpResponse<String> answer =
        deliver(s, event(eventId(), "checkout.session.completed", session));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("succeeded", payment(s, paymentId).get("status"));
  }

  /** A charge as Stripe sends it in charge.* events: no metadata of the broker, only the PI. */
  private static String charge(String paymentIntent, long amount, long refunded) {
    return """
        {"id": "ch_%s", "object": "charge", "amount": %d, "amount_refunded": %d,
         "metadata": {}, "paid": true, "payment_intent": "%s", "refunded": %s,
         "status": "succeeded"}
        """
        .formatted(paymentIntent.substring(3), amount, refunded, paymentIntent, refunded == amount);
  }

  /** Stubs Stripe's answer to retrieving the payment's Checkout Session. */
  private static void stubSession(String sessionId, String body) {
    stripe.stubFor(get(urlPathEqualTo(SESSIONS + "/" + sessionId)).willReturn(json(body)));
  }

  private static String completeSession(
      String sessionId, String paymentIntent, long amount, long refunded) {
    return """
        {"id": "%s", "object": "checkout.session", "status": "complete",
         "payment_status": "paid",
         "payment_intent": {"id": "%s", "object": "payment_intent", "status": "succeeded",
           "amount": %d, "latest_charge": %s}}
        """
        .formatted(sessionId, paymentIntent, amount, charge(paymentIntent, amount, refunded));
  }

  private static String pi() {
    return "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  private static Map<String, String> form(LoggedRequest request) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : request.getBodyAsString().split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        fields.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return fields;
  }

  private static List<LoggedRequest> refundsSentWithKey(String stripeKey) {
    return stripe.findAll(postRequestedFor(urlEqualTo("/v1/refunds"))).stream()
        .filter(r -> stripeKey.equals(r.getHeader("Idempotency-Key")))
        .toList();
  }

  private static int expireCalls(String sessionId) {
    return stripe
        .findAll(postRequestedFor(urlEqualTo(SESSIONS + "/" + sessionId + "/expire")))
        .size();
  }

  // ---- cancel -----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void cancelExpiresTheSessionOnceWithOneCallbackAndARepeatAnswersTheSame(String database)
      throws Exception {
    Shop s = on(database);
    String id = createPayment(s, 1250, "contrib-cancel");
    String session = sessionOf(id);
    long before = outbox(s);

    HttpResponse<String> first = cancel(s, s.token(), id);
    assertEquals(200, first.statusCode(), first.body());
    assertEquals("expired", json(first).get("status"));
    assertEquals(before + 1, outbox(s), "one outbox message");
    assertEquals(1, expireCalls(session));
    LoggedRequest expire =
        stripe.findAll(postRequestedFor(urlEqualTo(SESSIONS + "/" + session + "/expire"))).get(0);
    assertEquals("broker-cancel-" + id, expire.getHeader("Idempotency-Key"));

    HttpResponse<String> again = cancel(s, s.token(), id);
    assertEquals(200, again.statusCode(), again.body());
    assertEquals("expired", json(again).get("status"));
    assertEquals(before + 1, outbox(s), "still one outbox message");
    assertEquals(1, expireCalls(session), "Stripe is not asked again");
    assertEquals("expired", payment(s, id).get("status"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void cancelOfASucceededPaymentIsAConflict(String database) throws Exception {
    Shop s = on(database);
    String id = createPayment(s, 1250, "contrib-cancel-paid");
    succeed(s, id, pi());

    HttpResponse<String> answer = cancel(s, s.token(), id);
    assertEquals(409, answer.statusCode(), answer.body());
    assertEquals("payment_not_cancellable", json(answer).get("error"));
    assertEquals("succeeded", json(answer).get("status"));
    assertEquals(
        "Only a pending payment can be cancelled; this payment is succeeded.",
        json(answer).get("error_description"));
    assertEquals(0, expireCalls(sessionOf(id)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void cancelWhenStripeSaysTheSessionIsCompleteAppliesStripesStateAndIsAConflict(String database)
      throws Exception {
    Shop s = on(database);
    String id = createPayment(s, 1250, "contrib-cancel-race");
    String session = sessionOf(id);
    String paymentIntent = pi();
    stripe.stubFor(
        post(urlEqualTo(SESSIONS + "/" + session + "/expire"))
            .atPriority(1)
            .willReturn(
                FakeStripe.error(
                    400,
                    """
                    {"error": {"type": "invalid_request_error",
                      "message": "Only Checkout Sessions with a status in [\\"open\\"] can be expired."}}
                    """)));
    stubSession(session, completeSession(session, paymentIntent, 1250, 0));
    long before = outbox(s);

    HttpResponse<String> answer = cancel(s, s.token(), id);
    assertEquals(409, answer.statusCode(), answer.body());
    assertEquals("payment_not_cancellable", json(answer).get("error"));
    assertEquals("succeeded", json(answer).get("status"));
    Map<String, Object> now = payment(s, id);
    assertEquals("succeeded", now.get("status"));
    assertEquals(paymentIntent, now.get("transaction_id"));
    assertEquals(before + 1, outbox(s), "the success is told once");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void cancelOfAnotherClientsOrAnUnknownPaymentAnswersTheSame404(String database) throws Exception {
    Shop s = on(database);
    String id = createPayment(s, 1250, "contrib-cancel-foreign");
    HttpResponse<String> foreign = cancel(s, s.otherToken(), id);
    HttpResponse<String> unknown = cancel(s, s.token(), "pay_doesNotExist");
    assertEquals(404, foreign.statusCode(), foreign.body());
    assertEquals(404, unknown.statusCode(), unknown.body());
    assertEquals(foreign.body(), unknown.body());
    assertEquals("pending", payment(s, id).get("status"));
  }

  // ---- refunds ----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void partialRefundThenTheRestWithIdempotentRepeatsConflictsAndLimits(String database)
      throws Exception {
    Shop s = on(database);
    String id = createPayment(s, 1250, "contrib-refund");
    String paymentIntent = pi();
    succeed(s, id, paymentIntent);
    assertEquals(paymentIntent, payment(s, id).get("transaction_id"));

    String k1 = key();
    String partial = "{\"amount\": 400, \"reason\": \"requested_by_customer\"}";
    HttpResponse<String> first = refund(s, id, k1, partial);
    assertEquals(201, first.statusCode(), first.body());
    Map<String, Object> created = json(first);
    String refundId = (String) created.get("id");
    assertTrue(refundId.startsWith("rfd_"), refundId);
    assertEquals(id, created.get("payment_id"));
    assertEquals(400L, ((Number) created.get("amount")).longValue());
    assertEquals("succeeded", created.get("status"));
    assertNotNull(created.get("created"));
    List<LoggedRequest> sent = refundsSentWithKey("broker-" + refundId);
    assertEquals(1, sent.size());
    Map<String, String> form = form(sent.get(0));
    assertEquals(paymentIntent, form.get("payment_intent"));
    assertEquals("400", form.get("amount"));
    assertEquals("requested_by_customer", form.get("reason"));
    assertEquals(refundId, form.get("metadata[broker_refund_id]"));

    HttpResponse<String> repeat = refund(s, id, k1, partial);
    assertEquals(201, repeat.statusCode(), repeat.body());
    assertEquals(refundId, json(repeat).get("id"));
    assertEquals(1, refundsSentWithKey("broker-" + refundId).size(), "Stripe is asked once");

    HttpResponse<String> reused = refund(s, id, k1, "{\"amount\": 300}");
    assertEquals(409, reused.statusCode(), reused.body());
    assertEquals("idempotency_key_reused", json(reused).get("error"));

    HttpResponse<String> tooMuch = refund(s, id, key(), "{\"amount\": 851}");
    assertEquals(400, tooMuch.statusCode(), tooMuch.body());
    assertEquals("amount_exceeds_refundable", json(tooMuch).get("reason"));
    assertEquals(850L, ((Number) json(tooMuch).get("refundable")).longValue());

    // Stripe's charge.refunded names only the PaymentIntent; it reaches the payment through it.
    long before = outbox(s);
    HttpResponse<String> refunded =
        deliver(s, event(eventId(), "charge.refunded", charge(paymentIntent, 1250, 400)));
    assertEquals(200, refunded.statusCode(), refunded.body());
    Map<String, Object> partly = payment(s, id);
    assertEquals("partially_refunded", partly.get("status"));
    assertEquals(400L, ((Number) partly.get("amount_refunded")).longValue());
    assertEquals(before + 1, outbox(s));

    HttpResponse<String> rest = refund(s, id, key(), "");
    assertEquals(201, rest.statusCode(), rest.body());
    assertEquals(850L, ((Number) json(rest).get("amount")).longValue());

    HttpResponse<String> nothingLeft = refund(s, id, key(), "{\"amount\": 1}");
    assertEquals(409, nothingLeft.statusCode(), nothingLeft.body());
    assertEquals("nothing_refundable", json(nothingLeft).get("error"));

    deliver(s, event(eventId(), "charge.refunded", charge(paymentIntent, 1250, 1250)));
    assertEquals("refunded", payment(s, id).get("status"));
    HttpResponse<String> afterFull = refund(s, id, key(), "{\"amount\": 1}");
    assertEquals(409, afterFull.statusCode(), afterFull.body());
    assertEquals("payment_not_refundable", json(afterFull).get("error"));

    HttpResponse<String> list = read(s, s.token(), "/api/v1/payments/" + id + "/refunds");
    assertEquals(200, list.statusCode(), list.body());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> refunds = (List<Map<String, Object>>) json(list).get("refunds");
    assertEquals(2, refunds.size(), list.body());
    assertEquals(refundId, refunds.get(0).get("id"));
    assertEquals(404, read(s, s.otherToken(), "/api/v1/payments/" + id + "/refunds").statusCode());

    // The payment's history in the audit log, oldest first: made, paid, refunded in two steps.
    List<Object> audited =
        JSONObjectUtils.getJSONArray(
            JSONObjectUtils.parse(
                s.broker().adminOk("audit", "list", "--json", "--account", id).strip()),
            "events");
    List<String> history = new ArrayList<>();
    for (Object e : audited) {
      Map<?, ?> row = (Map<?, ?>) e;
      assertEquals(s.cmsId(), row.get("client"), row.toString());
      String detail = (String) row.get("detail");
      assertFalse(detail.contains("@"), "no email in the audit log: " + detail);
      assertFalse(detail.contains("contrib-refund"), "no client reference: " + detail);
      history.add(0, row.get("type") + " " + detail.replaceAll(" event=evt_\\S+", " event=*"));
    }
    assertEquals(
        List.of(
            "payment.created amount=1250 currency=eur mode=redirect",
            "payment.state_changed from=pending to=succeeded"
                + " event=* type=checkout.session.completed",
            "payment.refund_requested refund="
                + refundId
                + " amount=400 reason=requested_by_customer",
            "payment.state_changed from=succeeded to=partially_refunded amount_refunded=400"
                + " event=* type=charge.refunded",
            "payment.refund_requested refund=" + json(rest).get("id") + " amount=850",
            "payment.state_changed from=partially_refunded to=refunded amount_refunded=1250"
                + " event=* type=charge.refunded"),
        history);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void refundStatusFollowsStripesRefundEvents(String database) throws Exception {
    Shop s = on(database);
    String id = createPayment(s, 1250, "contrib-refund-pending-at-stripe");
    String paymentIntent = pi();
    succeed(s, id, paymentIntent);
    stripe.stubFor(
        post(urlEqualTo("/v1/refunds"))
            .atPriority(1)
            .withRequestBody(matching("(?s).*amount=333.*"))
            .willReturn(
                json(
                    """
                    {"id": "re_pendingAtStripe333", "object": "refund", "amount": 333,
                     "currency": "eur", "status": "pending"}
                    """)));
    HttpResponse<String> created = refund(s, id, key(), "{\"amount\": 333}");
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("pending", json(created).get("status"));
    String refundId = (String) json(created).get("id");
    long before = outbox(s);

    String refund =
        """
        {"id": "re_pendingAtStripe333", "object": "refund", "amount": 333, "currency": "eur",
         "metadata": {"broker_refund_id": "%s", "broker_payment_id": "%s"},
         "payment_intent": "%s", "status": "succeeded"}
        """
            .formatted(refundId, id, paymentIntent);
    String eventId = eventId();
    HttpResponse<String> answer = deliver(s, event(eventId, "refund.updated", refund));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("ignore_no_change", outcome(s, eventId), "the payment waits for charge.refunded");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> refunds =
        (List<Map<String, Object>>)
            json(read(s, s.token(), "/api/v1/payments/" + id + "/refunds")).get("refunds");
    assertEquals("succeeded", refunds.get(0).get("status"));
    assertEquals("succeeded", payment(s, id).get("status"));
    assertEquals(before, outbox(s));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void refundOfAPendingPaymentIsAConflict(String database) throws Exception {
    Shop s = on(database);
    String id = createPayment(s, 1250, "contrib-refund-pending");
    HttpResponse<String> answer = refund(s, id, key(), "{\"amount\": 100}");
    assertEquals(409, answer.statusCode(), answer.body());
    assertEquals("payment_not_refundable", json(answer).get("error"));
    assertEquals("pending", json(answer).get("status"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void refundStripeRefusesIsAConflictAndNothingIsStored(String database) throws Exception {
    Shop s = on(database);
    String id = createPayment(s, 1250, "contrib-refund-refused");
    succeed(s, id, pi());
    stripe.stubFor(
        post(urlEqualTo("/v1/refunds"))
            .atPriority(1)
            .withRequestBody(matching("(?s).*amount=777.*"))
            .willReturn(
                FakeStripe.error(
                    400,
                    """
                    {"error": {"type": "invalid_request_error",
                      "code": "charge_already_refunded", "message": "(fake) refunded"}}
                    """)));
    HttpResponse<String> answer = refund(s, id, key(), "{\"amount\": 777}");
    assertEquals(409, answer.statusCode(), answer.body());
    assertEquals("refund_refused", json(answer).get("error"));
    assertTrue(
        ((String) json(answer).get("error_description")).contains("charge_already_refunded"),
        answer.body());
    assertFalse(answer.body().contains("fake"), answer.body());
    @SuppressWarnings("unchecked")
    List<Object> refunds =
        (List<Object>)
            json(read(s, s.token(), "/api/v1/payments/" + id + "/refunds")).get("refunds");
    assertTrue(refunds.isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void badRefundRequestsAreRefusedPrecisely(String database) throws Exception {
    Shop s = on(database);
    String id = createPayment(s, 1250, "contrib-refund-bad");
    succeed(s, id, pi());
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("{\"amount\": 0}", "invalid_refund_amount");
    cases.put("{\"amount\": -5}", "invalid_refund_amount");
    cases.put("{\"amount\": 1.5}", "invalid_refund_amount");
    cases.put("{\"amount\": \"100\"}", "invalid_refund_amount");
    cases.put("{\"reason\": \"changed my mind\"}", "invalid_refund_reason");
    cases.put("{\"reason\": \"card 4242 4242 4242 4242\"}", "card_number_in_request");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> answer = refund(s, id, key(), c.getKey());
      assertEquals(400, answer.statusCode(), c.getKey() + " -> " + answer.body());
      assertEquals(c.getValue(), json(answer).get("reason"), c.getKey());
      assertFalse(answer.body().contains("4242"), answer.body());
    }
    HttpResponse<String> unknownField =
        refund(s, id, key(), "{\"amount\": 100, \"currency\": \"x\"}");
    assertEquals(400, unknownField.statusCode(), unknownField.body());
    assertEquals("invalid_request", json(unknownField).get("error"));
    HttpResponse<String> notJson = refund(s, id, key(), "{\"amount\": ");
    assertEquals(400, notJson.statusCode(), notJson.body());
    HttpResponse<String> noKey = refund(s, id, null, "{\"amount\": 100}");
    assertEquals(400, noKey.statusCode(), noKey.body());
    assertEquals("invalid_idempotency_key", json(noKey).get("reason"));
    HttpResponse<String> unknown = refund(s, "pay_doesNotExist", key(), "{\"amount\": 100}");
    assertEquals(404, unknown.statusCode(), unknown.body());
    @SuppressWarnings("unchecked")
    List<Object> refunds =
        (List<Object>)
            json(read(s, s.token(), "/api/v1/payments/" + id + "/refunds")).get("refunds");
    assertTrue(refunds.isEmpty(), "nothing stored");
  }

  // ---- events found by PaymentIntent, fetch when in doubt ----------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void disputeNamingOnlyThePaymentIntentReachesThePayment(String database) throws Exception {
    Shop s = on(database);
    String id = createPayment(s, 1250, "contrib-dispute");
    String paymentIntent = pi();
    succeed(s, id, paymentIntent);
    long before = outbox(s);
    String dispute =
        """
        {"id": "dp_1", "object": "dispute", "amount": 1250, "charge": "ch_x",
         "currency": "eur", "metadata": {}, "payment_intent": "%s", "reason": "fraudulent",
         "status": "needs_response"}
        """
            .formatted(paymentIntent);
    String eventId = eventId();
    HttpResponse<String> answer = deliver(s, event(eventId, "charge.dispute.created", dispute));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("apply", outcome(s, eventId));
    assertEquals(Boolean.TRUE, payment(s, id).get("disputed"));
    assertEquals(before + 1, outbox(s));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void refundBeforeTheSuccessIsSettledByFetchingTheSessionFromStripe(String database)
      throws Exception {
    Shop s = on(database);
    String id = createPayment(s, 1250, "contrib-fetch");
    String session = sessionOf(id);
    String paymentIntent = pi();
    stubSession(session, completeSession(session, paymentIntent, 1250, 500));
    long before = outbox(s);
    String charge =
        charge(paymentIntent, 1250, 500)
            .replace("\"metadata\": {}", "\"metadata\": {\"broker_payment_id\": \"" + id + "\"}");
    String eventId = eventId();

    HttpResponse<String> answer = deliver(s, event(eventId, "charge.refunded", charge));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("apply", outcome(s, eventId));
    Map<String, Object> now = payment(s, id);
    assertEquals("partially_refunded", now.get("status"));
    assertEquals(500L, ((Number) now.get("amount_refunded")).longValue());
    assertEquals(paymentIntent, now.get("transaction_id"));
    assertEquals(before + 1, outbox(s), "one outbox message for the fetched state");
    List<LoggedRequest> fetched =
        stripe.findAll(getRequestedFor(urlPathEqualTo(SESSIONS + "/" + session)));
    assertEquals(1, fetched.size());
    assertTrue(
        URLDecoder.decode(fetched.get(0).getUrl(), StandardCharsets.UTF_8)
            .contains("expand[0]=payment_intent.latest_charge"),
        fetched.get(0).getUrl());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void whenStripeCannotBeAskedTheEventAnswers503AndIsRecordedOnlyOnRedelivery(String database)
      throws Exception {
    Shop s = on(database);
    String id = createPayment(s, 1250, "contrib-fetch-down");
    String session = sessionOf(id);
    String paymentIntent = pi();
    stripe.stubFor(
        get(urlPathEqualTo(SESSIONS + "/" + session))
            .willReturn(FakeStripe.error(500, "{\"error\": {\"type\": \"api_error\"}}")));
    String charge =
        charge(paymentIntent, 1250, 1250)
            .replace("\"metadata\": {}", "\"metadata\": {\"broker_payment_id\": \"" + id + "\"}");
    String eventId = eventId();
    String body = event(eventId, "charge.refunded", charge);
    long before = outbox(s);
    long recorded = events(s);

    HttpResponse<String> down = deliver(s, body);
    assertEquals(503, down.statusCode(), down.body());
    assertEquals("temporarily_unavailable", json(down).get("error"));
    assertEquals(null, outcome(s, eventId), "nothing recorded");
    assertEquals(recorded, events(s), "nothing recorded");
    assertEquals("pending", payment(s, id).get("status"));
    assertEquals(before, outbox(s));

    stubSession(session, completeSession(session, paymentIntent, 1250, 1250));
    HttpResponse<String> redelivered = deliver(s, body);
    assertEquals(200, redelivered.statusCode(), redelivered.body());
    assertEquals("apply", outcome(s, eventId));
    assertEquals("refunded", payment(s, id).get("status"));
    assertEquals(before + 1, outbox(s));
  }

  // ---- amount bounds and rate limits ------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void configuredAmountBoundsApply(String database) throws Exception {
    Shop s = on(database);
    HttpResponse<String> small =
        send(s.broker(), s.token(), "/api/v1/payments", key(), paymentBody(99, "contrib-small"));
    assertEquals(400, small.statusCode(), small.body());
    assertEquals("amount_too_small", json(small).get("reason"));
    HttpResponse<String> large =
        send(
            s.broker(),
            s.token(),
            "/api/v1/payments",
            key(),
            paymentBody(500_001, "contrib-large"));
    assertEquals(400, large.statusCode(), large.body());
    assertEquals("amount_too_large", json(large).get("reason"));
    assertEquals(
        201,
        send(s.broker(), s.token(), "/api/v1/payments", key(), paymentBody(100, "contrib-min"))
            .statusCode());
  }

  // Not about storage: the rate limits live in memory (or, with several instances, in the data
  // grid; TwoInstancesIT), never in the database, so this runs once, on a broker of its own with
  // the default H2.
  @Test
  void paymentCreationIsRateLimitedPerClientThenPerAddress() throws Exception {
    try (PaymentsBroker limited =
        PaymentsBroker.builder("rate-limited")
            .stripe(stripe)
            .webhookSecret(WEBHOOK_SECRET)
            .setting("BROKER_PAYMENT_RATE_CLIENT_PER_MINUTE", "2")
            .setting("BROKER_PAYMENT_RATE_IP_PER_MINUTE", "4")
            .start()) {
      limited.awaitReady();
      String a = limited.paymentsToken("cms-a", ORIGIN);
      String b = limited.paymentsToken("cms-b", ORIGIN);
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> ok =
            send(limited, a, "/api/v1/payments", key(), paymentBody(1250, "rate-a-" + i));
        assertEquals(201, ok.statusCode(), ok.body());
      }
      HttpResponse<String> perClient =
          send(limited, a, "/api/v1/payments", key(), paymentBody(1250, "rate-a-3"));
      assertEquals(429, perClient.statusCode(), perClient.body());
      assertEquals("rate_limited", json(perClient).get("error"));
      long retry = Long.parseLong(perClient.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);

      // Client b has its own bucket, but this address has spent its four.
      HttpResponse<String> fourth =
          send(limited, b, "/api/v1/payments", key(), paymentBody(1250, "rate-b-1"));
      assertEquals(201, fourth.statusCode(), fourth.body());
      HttpResponse<String> perAddress =
          send(limited, b, "/api/v1/payments", key(), paymentBody(1250, "rate-b-2"));
      assertEquals(429, perAddress.statusCode(), perAddress.body());
      assertEquals("rate_limited", json(perAddress).get("error"));
      assertTrue(perAddress.headers().firstValue("Retry-After").isPresent());
      // The address limit comes before the token is even looked at.
      HttpResponse<String> anonymous =
          send(limited, null, "/api/v1/payments", key(), paymentBody(1250, "rate-anon"));
      assertEquals(429, anonymous.statusCode(), anonymous.body());
    }
  }
}
