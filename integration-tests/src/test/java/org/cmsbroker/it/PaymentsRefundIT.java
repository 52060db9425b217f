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
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cmsbroker.it.support.FakeStripe;
import org.cmsbroker.it.support.PaymentJson;
import org.cmsbroker.it.support.PaymentsBroker;
import org.cmsbroker.it.support.PostgresSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cancel, refunds, Stripe fetches and card-testing limits end to end: broker.jar (on a fresh
 * PostgreSQL schema, so the test can read the outbox and the stored ids) talks through the real
 * Stripe SDK to a fake Stripe (WireMock) that answers session creation, expiry and retrieval and
 * refund creation; events are signed as Stripe signs them. A second broker (H2) with low rate
 * limits shows the 429s.
 */
class PaymentsRefundIT {
  static final String WEBHOOK_SECRET = "whsec_" + "itRefundsWebhookSecretForTests01";
  static final String ORIGIN = "https://cms.example.org";
  static final String SESSIONS = FakeStripe.SESSIONS;

  private static WireMockServer stripe;
  private static PostgresSchema schema;
  private static PaymentsBroker main;
  private static PaymentsBroker limited;
  private static String token;
  private static String otherToken;

  @BeforeAll
  static void start() throws Exception {
    schema = new PostgresSchema();
    stripe = FakeStripe.start();
    stubStripe();
    main =
        PaymentsBroker.builder("refunds")
            .stripe(stripe)
            .webhookSecret(WEBHOOK_SECRET)
            .database(schema)
            .setting("BROKER_PAYMENT_AMOUNT_MIN", "100")
            .setting("BROKER_PAYMENT_AMOUNT_MAX", "500000")
            .start();
    limited =
        PaymentsBroker.builder("rate-limited")
            .stripe(stripe)
            .webhookSecret(WEBHOOK_SECRET)
            .setting("BROKER_PAYMENT_RATE_CLIENT_PER_MINUTE", "2")
            .setting("BROKER_PAYMENT_RATE_IP_PER_MINUTE", "4")
            .start();
    main.awaitReady();
    limited.awaitReady();
    token = main.paymentsToken("cms", ORIGIN);
    otherToken = main.paymentsToken("other", "https://other.example.net");
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
    PaymentsBroker.stopAll(main, limited, stripe, schema);
  }

  // ---- HTTP helpers -------------------------------------------------------------------------

  private static String paymentBody(long amount, String reference) {
    return PaymentJson.donation(amount, reference, ORIGIN).toJson();
  }

  private static HttpResponse<String> send(
      PaymentsBroker broker, String bearer, String path, String key, String body) throws Exception {
    return broker.post(path, bearer, key, body);
  }

  private static HttpResponse<String> read(String bearer, String path) throws Exception {
    return main.get(path, bearer);
  }

  private static Map<String, Object> json(HttpResponse<String> response) throws Exception {
    return JSONObjectUtils.parse(response.body());
  }

  private static String key() {
    return "it-" + UUID.randomUUID();
  }

  /** Creates a pending payment of {@code amount} on the main broker; returns its id. */
  private static String createPayment(long amount, String reference) throws Exception {
    HttpResponse<String> answer =
        send(main, token, "/api/v1/payments", key(), paymentBody(amount, reference));
    assertEquals(201, answer.statusCode(), answer.body());
    return (String) json(answer).get("id");
  }

  private static Map<String, Object> payment(String id) throws Exception {
    HttpResponse<String> answer = read(token, "/api/v1/payments/" + id);
    assertEquals(200, answer.statusCode(), answer.body());
    return json(answer);
  }

  private static HttpResponse<String> cancel(String bearer, String id) throws Exception {
    return send(main, bearer, "/api/v1/payments/" + id + "/cancel", null, "");
  }

  private static HttpResponse<String> refund(String id, String key, String body) throws Exception {
    return send(main, token, "/api/v1/payments/" + id + "/refunds", key, body);
  }

  // ---- database ---------------------------------------------------------------------------

  private static String column(String sql, String arg) throws Exception {
    try (Connection c = schema.connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, arg);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static String sessionOf(String paymentId) throws Exception {
    return column("SELECT stripe_checkout_session_id FROM payment WHERE id = ?", paymentId);
  }

  private static long outbox() throws Exception {
    return Long.parseLong(
        column("SELECT count(*) FROM callback_message WHERE client_id = ?", "cms"));
  }

  private static String outcome(String eventId) throws Exception {
    return column("SELECT outcome FROM stripe_event WHERE event_id = ?", eventId);
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

  private static HttpResponse<String> deliver(String body) throws Exception {
    return main.webhook(body, WEBHOOK_SECRET);
  }

  /** Delivers {@code checkout.session.completed} (paid) naming {@code paymentIntent}. */
  private static void succeed(String paymentId, String paymentIntent) throws Exception {
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
                ((Number) payment(paymentId).get("amount")).longValue(),
                payment(paymentId).get("currency"));
    HttpResponse<String> answer = deliver(event(eventId(), "checkout.session.completed", session));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("succeeded", payment(paymentId).get("status"));
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

  @Test
  void cancelExpiresTheSessionOnceWithOneCallbackAndARepeatAnswersTheSame() throws Exception {
    String id = createPayment(1250, "contrib-cancel");
    String session = sessionOf(id);
    long before = outbox();

    HttpResponse<String> first = cancel(token, id);
    assertEquals(200, first.statusCode(), first.body());
    assertEquals("expired", json(first).get("status"));
    assertEquals(before + 1, outbox(), "one outbox message");
    assertEquals(1, expireCalls(session));
    LoggedRequest expire =
        stripe.findAll(postRequestedFor(urlEqualTo(SESSIONS + "/" + session + "/expire"))).get(0);
    assertEquals("broker-cancel-" + id, expire.getHeader("Idempotency-Key"));

    HttpResponse<String> again = cancel(token, id);
    assertEquals(200, again.statusCode(), again.body());
    assertEquals("expired", json(again).get("status"));
    assertEquals(before + 1, outbox(), "still one outbox message");
    assertEquals(1, expireCalls(session), "Stripe is not asked again");
    assertEquals("expired", payment(id).get("status"));
  }

  @Test
  void cancelOfASucceededPaymentIsAConflict() throws Exception {
    String id = createPayment(1250, "contrib-cancel-paid");
    succeed(id, pi());

    HttpResponse<String> answer = cancel(token, id);
    assertEquals(409, answer.statusCode(), answer.body());
    assertEquals("payment_not_cancellable", json(answer).get("error"));
    assertEquals("succeeded", json(answer).get("status"));
    assertEquals(
        "Only a pending payment can be cancelled; this payment is succeeded.",
        json(answer).get("error_description"));
    assertEquals(0, expireCalls(sessionOf(id)));
  }

  @Test
  void cancelWhenStripeSaysTheSessionIsCompleteAppliesStripesStateAndIsAConflict()
      throws Exception {
    String id = createPayment(1250, "contrib-cancel-race");
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
    long before = outbox();

    HttpResponse<String> answer = cancel(token, id);
    assertEquals(409, answer.statusCode(), answer.body());
    assertEquals("payment_not_cancellable", json(answer).get("error"));
    assertEquals("succeeded", json(answer).get("status"));
    Map<String, Object> now = payment(id);
    assertEquals("succeeded", now.get("status"));
    assertEquals(paymentIntent, now.get("transaction_id"));
    assertEquals(before + 1, outbox(), "the success is told once");
  }

  @Test
  void cancelOfAnotherClientsOrAnUnknownPaymentAnswersTheSame404() throws Exception {
    String id = createPayment(1250, "contrib-cancel-foreign");
    HttpResponse<String> foreign = cancel(otherToken, id);
    HttpResponse<String> unknown = cancel(token, "pay_doesNotExist");
    assertEquals(404, foreign.statusCode(), foreign.body());
    assertEquals(404, unknown.statusCode(), unknown.body());
    assertEquals(foreign.body(), unknown.body());
    assertEquals("pending", payment(id).get("status"));
  }

  // ---- refunds ----------------------------------------------------------------------------

  @Test
  void partialRefundThenTheRestWithIdempotentRepeatsConflictsAndLimits() throws Exception {
    String id = createPayment(1250, "contrib-refund");
    String paymentIntent = pi();
    succeed(id, paymentIntent);
    assertEquals(paymentIntent, payment(id).get("transaction_id"));

    String k1 = key();
    String partial = "{\"amount\": 400, \"reason\": \"requested_by_customer\"}";
    HttpResponse<String> first = refund(id, k1, partial);
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

    HttpResponse<String> repeat = refund(id, k1, partial);
    assertEquals(201, repeat.statusCode(), repeat.body());
    assertEquals(refundId, json(repeat).get("id"));
    assertEquals(1, refundsSentWithKey("broker-" + refundId).size(), "Stripe is asked once");

    HttpResponse<String> reused = refund(id, k1, "{\"amount\": 300}");
    assertEquals(409, reused.statusCode(), reused.body());
    assertEquals("idempotency_key_reused", json(reused).get("error"));

    HttpResponse<String> tooMuch = refund(id, key(), "{\"amount\": 851}");
    assertEquals(400, tooMuch.statusCode(), tooMuch.body());
    assertEquals("amount_exceeds_refundable", json(tooMuch).get("reason"));
    assertEquals(850L, ((Number) json(tooMuch).get("refundable")).longValue());

    // Stripe's charge.refunded names only the PaymentIntent; it reaches the payment through it.
    long before = outbox();
    HttpResponse<String> refunded =
        deliver(event(eventId(), "charge.refunded", charge(paymentIntent, 1250, 400)));
    assertEquals(200, refunded.statusCode(), refunded.body());
    Map<String, Object> partly = payment(id);
    assertEquals("partially_refunded", partly.get("status"));
    assertEquals(400L, ((Number) partly.get("amount_refunded")).longValue());
    assertEquals(before + 1, outbox());

    HttpResponse<String> rest = refund(id, key(), "");
    assertEquals(201, rest.statusCode(), rest.body());
    assertEquals(850L, ((Number) json(rest).get("amount")).longValue());

    HttpResponse<String> nothingLeft = refund(id, key(), "{\"amount\": 1}");
    assertEquals(409, nothingLeft.statusCode(), nothingLeft.body());
    assertEquals("nothing_refundable", json(nothingLeft).get("error"));

    deliver(event(eventId(), "charge.refunded", charge(paymentIntent, 1250, 1250)));
    assertEquals("refunded", payment(id).get("status"));
    HttpResponse<String> afterFull = refund(id, key(), "{\"amount\": 1}");
    assertEquals(409, afterFull.statusCode(), afterFull.body());
    assertEquals("payment_not_refundable", json(afterFull).get("error"));

    HttpResponse<String> list = read(token, "/api/v1/payments/" + id + "/refunds");
    assertEquals(200, list.statusCode(), list.body());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> refunds = (List<Map<String, Object>>) json(list).get("refunds");
    assertEquals(2, refunds.size(), list.body());
    assertEquals(refundId, refunds.get(0).get("id"));
    assertEquals(404, read(otherToken, "/api/v1/payments/" + id + "/refunds").statusCode());
  }

  @Test
  void refundStatusFollowsStripesRefundEvents() throws Exception {
    String id = createPayment(1250, "contrib-refund-pending-at-stripe");
    String paymentIntent = pi();
    succeed(id, paymentIntent);
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
    HttpResponse<String> created = refund(id, key(), "{\"amount\": 333}");
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("pending", json(created).get("status"));
    String refundId = (String) json(created).get("id");
    long before = outbox();

    String refund =
        """
        {"id": "re_pendingAtStripe333", "object": "refund", "amount": 333, "currency": "eur",
         "metadata": {"broker_refund_id": "%s", "broker_payment_id": "%s"},
         "payment_intent": "%s", "status": "succeeded"}
        """
            .formatted(refundId, id, paymentIntent);
    String eventId = eventId();
    HttpResponse<String> answer = deliver(event(eventId, "refund.updated", refund));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("ignore_no_change", outcome(eventId), "the payment waits for charge.refunded");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> refunds =
        (List<Map<String, Object>>)
            json(read(token, "/api/v1/payments/" + id + "/refunds")).get("refunds");
    assertEquals("succeeded", refunds.get(0).get("status"));
    assertEquals("succeeded", payment(id).get("status"));
    assertEquals(before, outbox());
  }

  @Test
  void refundOfAPendingPaymentIsAConflict() throws Exception {
    String id = createPayment(1250, "contrib-refund-pending");
    HttpResponse<String> answer = refund(id, key(), "{\"amount\": 100}");
    assertEquals(409, answer.statusCode(), answer.body());
    assertEquals("payment_not_refundable", json(answer).get("error"));
    assertEquals("pending", json(answer).get("status"));
  }

  @Test
  void refundStripeRefusesIsAConflictAndNothingIsStored() throws Exception {
    String id = createPayment(1250, "contrib-refund-refused");
    succeed(id, pi());
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
    HttpResponse<String> answer = refund(id, key(), "{\"amount\": 777}");
    assertEquals(409, answer.statusCode(), answer.body());
    assertEquals("refund_refused", json(answer).get("error"));
    assertTrue(
        ((String) json(answer).get("error_description")).contains("charge_already_refunded"),
        answer.body());
    assertFalse(answer.body().contains("fake"), answer.body());
    @SuppressWarnings("unchecked")
    List<Object> refunds =
        (List<Object>) json(read(token, "/api/v1/payments/" + id + "/refunds")).get("refunds");
    assertTrue(refunds.isEmpty());
  }

  @Test
  void badRefundRequestsAreRefusedPrecisely() throws Exception {
    String id = createPayment(1250, "contrib-refund-bad");
    succeed(id, pi());
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("{\"amount\": 0}", "invalid_refund_amount");
    cases.put("{\"amount\": -5}", "invalid_refund_amount");
    cases.put("{\"amount\": 1.5}", "invalid_refund_amount");
    cases.put("{\"amount\": \"100\"}", "invalid_refund_amount");
    cases.put("{\"reason\": \"changed my mind\"}", "invalid_refund_reason");
    cases.put("{\"reason\": \"card 4242 4242 4242 4242\"}", "card_number_in_request");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> answer = refund(id, key(), c.getKey());
      assertEquals(400, answer.statusCode(), c.getKey() + " -> " + answer.body());
      assertEquals(c.getValue(), json(answer).get("reason"), c.getKey());
      assertFalse(answer.body().contains("4242"), answer.body());
    }
    HttpResponse<String> unknownField = refund(id, key(), "{\"amount\": 100, \"currency\": \"x\"}");
    assertEquals(400, unknownField.statusCode(), unknownField.body());
    assertEquals("invalid_request", json(unknownField).get("error"));
    HttpResponse<String> notJson = refund(id, key(), "{\"amount\": ");
    assertEquals(400, notJson.statusCode(), notJson.body());
    HttpResponse<String> noKey = refund(id, null, "{\"amount\": 100}");
    assertEquals(400, noKey.statusCode(), noKey.body());
    assertEquals("invalid_idempotency_key", json(noKey).get("reason"));
    HttpResponse<String> unknown = refund("pay_doesNotExist", key(), "{\"amount\": 100}");
    assertEquals(404, unknown.statusCode(), unknown.body());
    @SuppressWarnings("unchecked")
    List<Object> refunds =
        (List<Object>) json(read(token, "/api/v1/payments/" + id + "/refunds")).get("refunds");
    assertTrue(refunds.isEmpty(), "nothing stored");
  }

  // ---- events found by PaymentIntent, fetch when in doubt ----------------------------------

  @Test
  void disputeNamingOnlyThePaymentIntentReachesThePayment() throws Exception {
    String id = createPayment(1250, "contrib-dispute");
    String paymentIntent = pi();
    succeed(id, paymentIntent);
    long before = outbox();
    String dispute =
        """
        {"id": "dp_1", "object": "dispute", "amount": 1250, "charge": "ch_x",
         "currency": "eur", "metadata": {}, "payment_intent": "%s", "reason": "fraudulent",
         "status": "needs_response"}
        """
            .formatted(paymentIntent);
    String eventId = eventId();
    HttpResponse<String> answer = deliver(event(eventId, "charge.dispute.created", dispute));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("apply", outcome(eventId));
    assertEquals(Boolean.TRUE, payment(id).get("disputed"));
    assertEquals(before + 1, outbox());
  }

  @Test
  void refundBeforeTheSuccessIsSettledByFetchingTheSessionFromStripe() throws Exception {
    String id = createPayment(1250, "contrib-fetch");
    String session = sessionOf(id);
    String paymentIntent = pi();
    stubSession(session, completeSession(session, paymentIntent, 1250, 500));
    long before = outbox();
    String charge =
        charge(paymentIntent, 1250, 500)
            .replace("\"metadata\": {}", "\"metadata\": {\"broker_payment_id\": \"" + id + "\"}");
    String eventId = eventId();

    HttpResponse<String> answer = deliver(event(eventId, "charge.refunded", charge));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals("apply", outcome(eventId));
    Map<String, Object> now = payment(id);
    assertEquals("partially_refunded", now.get("status"));
    assertEquals(500L, ((Number) now.get("amount_refunded")).longValue());
    assertEquals(paymentIntent, now.get("transaction_id"));
    assertEquals(before + 1, outbox(), "one outbox message for the fetched state");
    List<LoggedRequest> fetched =
        stripe.findAll(getRequestedFor(urlPathEqualTo(SESSIONS + "/" + session)));
    assertEquals(1, fetched.size());
    assertTrue(
        URLDecoder.decode(fetched.get(0).getUrl(), StandardCharsets.UTF_8)
            .contains("expand[0]=payment_intent.latest_charge"),
        fetched.get(0).getUrl());
  }

  @Test
  void whenStripeCannotBeAskedTheEventAnswers503AndIsRecordedOnlyOnRedelivery() throws Exception {
    String id = createPayment(1250, "contrib-fetch-down");
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
    long before = outbox();

    HttpResponse<String> down = deliver(body);
    assertEquals(503, down.statusCode(), down.body());
    assertEquals("temporarily_unavailable", json(down).get("error"));
    assertEquals(null, outcome(eventId), "nothing recorded");
    assertEquals("pending", payment(id).get("status"));
    assertEquals(before, outbox());

    stubSession(session, completeSession(session, paymentIntent, 1250, 1250));
    HttpResponse<String> redelivered = deliver(body);
    assertEquals(200, redelivered.statusCode(), redelivered.body());
    assertEquals("apply", outcome(eventId));
    assertEquals("refunded", payment(id).get("status"));
    assertEquals(before + 1, outbox());
  }

  // ---- amount bounds and rate limits ------------------------------------------------------

  @Test
  void configuredAmountBoundsApply() throws Exception {
    HttpResponse<String> small =
        send(main, token, "/api/v1/payments", key(), paymentBody(99, "contrib-small"));
    assertEquals(400, small.statusCode(), small.body());
    assertEquals("amount_too_small", json(small).get("reason"));
    HttpResponse<String> large =
        send(main, token, "/api/v1/payments", key(), paymentBody(500_001, "contrib-large"));
    assertEquals(400, large.statusCode(), large.body());
    assertEquals("amount_too_large", json(large).get("reason"));
    assertEquals(
        201,
        send(main, token, "/api/v1/payments", key(), paymentBody(100, "contrib-min")).statusCode());
  }

  @Test
  void paymentCreationIsRateLimitedPerClientThenPerAddress() throws Exception {
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
