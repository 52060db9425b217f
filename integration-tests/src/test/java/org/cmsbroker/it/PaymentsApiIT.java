package org.cmsbroker.it;

import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.auth.Secret;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * The payments API end to end: broker.jar (on H2 and on PostgreSQL, one broker per database for the
 * whole class, started lazily) talks through the real Stripe SDK to a fake Stripe API (WireMock in
 * this JVM); a CMS client authenticates with client_credentials. The clients' ids carry the
 * database's name. A further broker without Stripe settings shows the 503.
 */
class PaymentsApiIT {
  static final String SECRET_KEY = FakeStripe.SECRET_KEY;
  static final String ORIGIN = "https://cms.example.org";
  static final String SESSIONS = FakeStripe.SESSIONS;

  private static WireMockServer stripe;
  private static final DatabaseBrokers<Clients> BROKERS =
      DatabaseBrokers.of(
          "payments",
          builder ->
              builder
                  .stripe(stripe)
                  .webhookSecret("whsec_test_oneOneOneOneOne01,whsec_test_twoTwoTwoTwoTwo02")
                  .publishableKey("pk_test_51FakePublishableKeyForTests"),
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
   * What a test uses: the broker on one database, the client {@code cms} (id and secret) and
   * payments tokens of {@code cms} and {@code other}.
   */
  record Api(Db db, String cmsId, Secret cmsSecret, String cmsToken, String otherToken) {
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
  }

  /**
   * The broker on {@code database}, with payments tokens minted now: a token lives five minutes,
   * and this class may run longer (three brokers start in it).
   */
  private static Api on(String database) throws Exception {
    Clients c = BROKERS.on(database);
    PaymentsBroker broker = c.db().broker();
    return new Api(
        c.db(),
        c.cmsId(),
        c.cmsSecret(),
        broker.token(c.cmsId(), c.cmsSecret(), "payments"),
        broker.token(c.otherId(), c.otherSecret(), "payments"));
  }

  private static String body(
      long amount, String description, String reference, String returnUrl, String mode) {
    return PaymentJson.donation(amount, reference, ORIGIN)
        .description(description)
        .donorEmail("donor@example.org")
        .returnUrl(returnUrl)
        .mode(mode)
        .toJson();
  }

  private static String body(long amount, String description, String reference) {
    return body(amount, description, reference, ORIGIN + "/donate/thanks", "redirect");
  }

  private static HttpResponse<String> create(
      PaymentsBroker broker, String token, String idempotencyKey, String json) throws Exception {
    return broker.createPayment(token, idempotencyKey, json);
  }

  private static HttpResponse<String> get(PaymentsBroker broker, String token, String path)
      throws Exception {
    return broker.get(path, token);
  }

  /** The answer's JSON object. */
  private static Json json(HttpResponse<String> response) throws Exception {
    return new Json(JSONObjectUtils.parse(response.body()));
  }

  /** A parsed JSON object with typed getters. */
  record Json(Map<String, Object> map) {
    String getString(String name) {
      return (String) map.get(name);
    }

    boolean containsKey(String name) {
      return map.containsKey(name);
    }

    long getLong(String name) {
      return ((Number) map.get(name)).longValue();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> payments() {
      return (List<Map<String, Object>>) map.get("payments");
    }
  }

  private static String key() {
    return "it-" + UUID.randomUUID();
  }

  /** The form fields Stripe received in the session-creation request sent with this key. */
  private static List<Map<String, String>> stripeRequestsWithKey(String stripeKey) {
    return stripe.findAll(postRequestedFor(urlEqualTo(SESSIONS))).stream()
        .filter(r -> stripeKey == null || stripeKey.equals(r.getHeader("Idempotency-Key")))
        .map(PaymentsApiIT::form)
        .toList();
  }

  private static Map<String, String> form(LoggedRequest request) {
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    for (String pair : request.getBodyAsString().split("&")) {
      int eq = pair.indexOf('=');
      fields.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return fields;
  }

  private static int stripeCalls() {
    return stripe.findAll(postRequestedFor(urlEqualTo(SESSIONS))).size();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void createAnswers201WithCheckoutUrlAndStripeGetsTheServerSideAmount(String database)
      throws Exception {
    Api api = on(database);
    HttpResponse<String> answer =
        create(
            api.broker(),
            api.cmsToken(),
            key(),
            body(1250, "Donation to the library", "contrib-1"));

    assertEquals(201, answer.statusCode(), answer.body());
    Json payment = json(answer);
    String id = payment.getString("id");
    assertTrue(id.startsWith("pay_"), id);
    assertEquals("pending", payment.getString("status"));
    assertTrue(
        payment.getString("checkout_url").startsWith("https://checkout.stripe.com/c/pay/cs_test_"),
        answer.body());
    assertFalse(payment.containsKey("embed_url"));
    assertEquals("2030-01-01T00:00:00Z", payment.getString("expires_at"));
    assertEquals(
        api.broker().base() + "/api/v1/payments/" + id,
        answer.headers().firstValue("Location").orElseThrow());

    List<Map<String, String>> sent = stripeRequestsWithKey("broker-" + id);
    assertEquals(1, sent.size());
    Map<String, String> form = sent.get(0);
    assertEquals("payment", form.get("mode"));
    assertEquals("1250", form.get("line_items[0][price_data][unit_amount]"));
    assertEquals("eur", form.get("line_items[0][price_data][currency]"));
    assertEquals("1", form.get("line_items[0][quantity]"));
    assertEquals(
        "Donation to the library", form.get("line_items[0][price_data][product_data][name]"));
    assertEquals(id, form.get("metadata[broker_payment_id]"));
    assertEquals(id, form.get("payment_intent_data[metadata][broker_payment_id]"));
    assertEquals(id, form.get("client_reference_id"));
    assertEquals(ORIGIN + "/donate/thanks", form.get("success_url"));
    assertEquals(ORIGIN + "/donate/cancelled", form.get("cancel_url"));
    assertEquals("donor@example.org", form.get("customer_email"));
    LoggedRequest raw =
        stripe.findAll(postRequestedFor(urlEqualTo(SESSIONS))).stream()
            .filter(r -> ("broker-" + id).equals(r.getHeader("Idempotency-Key")))
            .findFirst()
            .orElseThrow();
    assertEquals("Bearer " + SECRET_KEY, raw.getHeader("Authorization"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void embeddedModeAnswersTheBrokersEmbedUrl(String database) throws Exception {
    Api api = on(database);
    HttpResponse<String> answer =
        create(
            api.broker(),
            api.cmsToken(),
            key(),
            body(800, "Membership", "contrib-embedded", ORIGIN + "/donate/done", "embedded"));

    assertEquals(201, answer.statusCode(), answer.body());
    Json payment = json(answer);
    String id = payment.getString("id");
    assertEquals(api.broker().base() + "/pay/" + id, payment.getString("embed_url"));
    assertFalse(payment.containsKey("checkout_url"));
    Map<String, String> form = stripeRequestsWithKey("broker-" + id).get(0);
    assertEquals("embedded", form.get("ui_mode"));
    assertEquals(ORIGIN + "/donate/done", form.get("return_url"));
    assertFalse(form.containsKey("success_url"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void sameIdempotencyKeyAndBodyAnswersTheSamePayment(String database) throws Exception {
    Api api = on(database);
    String key = key();
    String json = body(2000, "Gift", "contrib-2");
    HttpResponse<String> first = create(api.broker(), api.cmsToken(), key, json);
    HttpResponse<String> second = create(api.broker(), api.cmsToken(), key, json);

    assertEquals(201, first.statusCode(), first.body());
    assertEquals(201, second.statusCode(), second.body());
    assertEquals(json(first).getString("id"), json(second).getString("id"));
    assertEquals(json(first).getString("checkout_url"), json(second).getString("checkout_url"));
    assertEquals(1, stripeRequestsWithKey("broker-" + json(first).getString("id")).size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void stripeRefusalAnswers502AndARepeatWithTheSameKeyCreatesTheSession(String database)
      throws Exception {
    Api api = on(database);
    // Stripe refuses the first session for this amount, then accepts it.
    stripe.stubFor(
        post(urlEqualTo(SESSIONS))
            .atPriority(1)
            .withRequestBody(matching("(?s).*unit_amount(%5D|\\])=4321.*"))
            .inScenario("refused once" + api.db().suffix())
            .whenScenarioStateIs(Scenario.STARTED)
            .willSetStateTo("accepting")
            .willReturn(
                FakeStripe.error(
                        400,
                        """
                        {"error": {"type": "invalid_request_error", "code": "parameter_invalid",
                          "message": "Invalid request (fake)."}}
                        """)
                    .withHeader("Request-Id", "req_refused")));
    String key = key();
    String json = body(4321, "Gift", "contrib-retry");

    HttpResponse<String> refused = create(api.broker(), api.cmsToken(), key, json);
    assertEquals(502, refused.statusCode(), refused.body());
    assertEquals("temporarily_unavailable", json(refused).getString("error"));
    assertFalse(refused.body().contains("fake"), refused.body());

    HttpResponse<String> repeated = create(api.broker(), api.cmsToken(), key, json);
    assertEquals(201, repeated.statusCode(), repeated.body());
    String id = json(repeated).getString("id");
    assertTrue(json(repeated).getString("checkout_url").startsWith("https://checkout.stripe.com/"));
    // Both attempts carried the same Stripe idempotency key; one payment exists.
    assertEquals(2, stripeRequestsWithKey("broker-" + id).size());
    HttpResponse<String> found =
        get(api.broker(), api.cmsToken(), "/api/v1/payments?reference=contrib-retry");
    assertEquals(1, json(found).payments().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void sameIdempotencyKeyWithAnotherBodyIsAConflict(String database) throws Exception {
    Api api = on(database);
    String key = key();
    assertEquals(
        201,
        create(api.broker(), api.cmsToken(), key, body(2000, "Gift", "contrib-3")).statusCode());
    int calls = stripeCalls();

    HttpResponse<String> answer =
        create(api.broker(), api.cmsToken(), key, body(2001, "Gift", "contrib-3"));

    assertEquals(409, answer.statusCode(), answer.body());
    assertEquals("idempotency_key_reused", json(answer).getString("error"));
    assertEquals(calls, stripeCalls());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void theSameKeyOfTwoClientsMakesTwoPayments(String database) throws Exception {
    Api api = on(database);
    String key = key();
    String json = body(1500, "Gift", "contrib-shared-key");
    HttpResponse<String> cms = create(api.broker(), api.cmsToken(), key, json);
    HttpResponse<String> other =
        create(
            api.broker(), api.otherToken(), key, json.replace(ORIGIN, "https://other.example.net"));
    assertEquals(201, cms.statusCode(), cms.body());
    assertEquals(201, other.statusCode(), other.body());
    assertNotEquals(json(cms).getString("id"), json(other).getString("id"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void cardNumberInTheDescriptionIsRefusedAndNothingIsStoredOrSent(String database)
      throws Exception {
    Api api = on(database);
    int calls = stripeCalls();
    HttpResponse<String> answer =
        create(
            api.broker(),
            api.cmsToken(),
            key(),
            body(1000, "Pay with 4242 4242 4242 4242 please", "contrib-card"));

    assertEquals(400, answer.statusCode(), answer.body());
    Json error = json(answer);
    assertEquals("invalid_request", error.getString("error"));
    assertEquals("card_number_in_request", error.getString("reason"));
    assertFalse(answer.body().contains("4242"), answer.body());
    assertEquals(calls, stripeCalls());
    HttpResponse<String> found =
        get(api.broker(), api.cmsToken(), "/api/v1/payments?reference=contrib-card");
    assertEquals(200, found.statusCode(), found.body());
    assertTrue(json(found).payments().isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void returnUrlOnAForeignOriginIsRefused(String database) throws Exception {
    Api api = on(database);
    HttpResponse<String> answer =
        create(
            api.broker(),
            api.cmsToken(),
            key(),
            body(1000, "Gift", "contrib-foreign", "https://evil.example.com/thanks", "redirect"));

    assertEquals(400, answer.statusCode(), answer.body());
    assertEquals("return_url_foreign_origin", json(answer).getString("reason"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void missingIdempotencyKeyIsRefused(String database) throws Exception {
    Api api = on(database);
    HttpResponse<String> answer =
        create(api.broker(), api.cmsToken(), null, body(1000, "Gift", "c-nokey"));
    assertEquals(400, answer.statusCode(), answer.body());
    assertEquals("invalid_idempotency_key", json(answer).getString("reason"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void malformedJsonIsRefused(String database) throws Exception {
    Api api = on(database);
    HttpResponse<String> answer = create(api.broker(), api.cmsToken(), key(), "{\"amount\": ");
    assertEquals(400, answer.statusCode(), answer.body());
    assertEquals("invalid_request", json(answer).getString("error"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void noTokenIsUnauthorized(String database) throws Exception {
    Api api = on(database);
    int calls = stripeCalls();
    HttpResponse<String> answer = create(api.broker(), null, key(), body(1000, "Gift", "c-anon"));

    assertEquals(401, answer.statusCode(), answer.body());
    assertTrue(answer.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
    assertEquals(calls, stripeCalls());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void invalidTokenIsUnauthorized(String database) throws Exception {
    Api api = on(database);
    HttpResponse<String> answer =
        create(api.broker(), "not.a.token", key(), body(1000, "Gift", "c-bad"));
    assertEquals(401, answer.statusCode(), answer.body());
    assertTrue(
        answer.headers().firstValue("WWW-Authenticate").orElseThrow().contains("invalid_token"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void tokenWithoutThePaymentsScopeIsForbidden(String database) throws Exception {
    Api api = on(database);
    String token = api.broker().token(api.cmsId(), api.cmsSecret(), null);
    HttpResponse<String> answer = create(api.broker(), token, key(), body(1000, "Gift", "c-scope"));
    assertEquals(403, answer.statusCode(), answer.body());
    assertTrue(
        answer
            .headers()
            .firstValue("WWW-Authenticate")
            .orElseThrow()
            .contains("error=\"insufficient_scope\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void clientReadsItsOwnPaymentButNotAnotherClients(String database) throws Exception {
    Api api = on(database);
    HttpResponse<String> created =
        create(api.broker(), api.cmsToken(), key(), body(3000, "Gift", "contrib-read"));
    String id = json(created).getString("id");

    HttpResponse<String> own = get(api.broker(), api.cmsToken(), "/api/v1/payments/" + id);
    assertEquals(200, own.statusCode(), own.body());
    assertEquals(id, json(own).getString("id"));
    assertEquals(3000, json(own).getLong("amount"));
    assertEquals("contrib-read", json(own).getString("reference"));

    HttpResponse<String> foreign = get(api.broker(), api.otherToken(), "/api/v1/payments/" + id);
    assertEquals(404, foreign.statusCode(), foreign.body());
    assertEquals(
        404, get(api.broker(), api.cmsToken(), "/api/v1/payments/pay_unknown").statusCode());

    HttpResponse<String> byReference =
        get(api.broker(), api.cmsToken(), "/api/v1/payments?reference=contrib-read");
    assertEquals(200, byReference.statusCode(), byReference.body());
    assertEquals(id, json(byReference).payments().get(0).get("id"));
    HttpResponse<String> otherByReference =
        get(api.broker(), api.otherToken(), "/api/v1/payments?reference=contrib-read");
    assertTrue(json(otherByReference).payments().isEmpty());
  }

  // Not about storage: without Stripe settings no payment request reaches the database, so this
  // runs once, on a broker of its own with the default H2.
  @Test
  void withoutStripeConfiguredPaymentsAreUnavailable() throws Exception {
    try (PaymentsBroker unconfigured = PaymentsBroker.builder("payments-off").start()) {
      unconfigured.awaitReady();
      HttpResponse<String> answer =
          create(unconfigured, "any-token", key(), body(1000, "Gift", "c-off"));

      assertEquals(503, answer.statusCode(), answer.body());
      Json error = json(answer);
      assertEquals("temporarily_unavailable", error.getString("error"));
      assertTrue(
          error
              .getString("error_description")
              .startsWith("Payments are not configured: set BROKER_STRIPE_SECRET_KEY"),
          answer.body());
      assertEquals(503, get(unconfigured, null, "/api/v1/payments/pay_x").statusCode());
      assertEquals(
          1,
          unconfigured
                  .process()
                  .stdout()
                  .lines()
                  .filter(l -> l.contains("Payments are not configured"))
                  .count()
              + unconfigured
                  .process()
                  .stderr()
                  .lines()
                  .filter(l -> l.contains("Payments are not configured"))
                  .count(),
          "start-up says once what to configure");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    PaymentsBroker.stopAll(BROKERS, stripe);
  }
}
