package org.cmsbroker.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.BrokerProcess;
import org.cmsbroker.it.support.LoginClient;
import org.cmsbroker.it.support.NimbusHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The payments API end to end: broker.jar talks through the real Stripe SDK to a fake Stripe API
 * (WireMock in this JVM); a CMS client authenticates with client_credentials. A second broker
 * without Stripe settings shows the 503.
 */
class PaymentsApiIT {
  static final String SECRET_KEY = "sk_test_" + "51FakeKeyForTheBrokerTests0000";
  static final String ORIGIN = "https://cms.example.org";
  static final String SESSIONS = "/v1/checkout/sessions";

  private static WireMockServer stripe;
  private static Broker configured;
  private static Broker unconfigured;
  private static String cmsToken;
  private static String otherToken;
  private static Secret cmsSecret;

  /** One running broker and what is needed to call it. */
  record Broker(BrokerProcess process, Path work, Map<String, String> env, String base, Path data) {
    HttpClient http() throws Exception {
      return new LoginClient(data, base).http();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    stripe = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    stripe.start();
    stripe.stubFor(
        post(urlEqualTo(SESSIONS))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("Request-Id", "req_fake")
                    .withTransformers("response-template")
                    .withBody(
                        """
                        {
                          "id": "cs_test_{{randomValue length=24 type='ALPHANUMERIC'}}",
                          "object": "checkout.session",
                          "amount_total": 1250,
                          "client_secret": "cs_test_secret_{{randomValue length=16 type='ALPHANUMERIC'}}",
                          "currency": "eur",
                          "expires_at": 1893456000,
                          "livemode": false,
                          "metadata": {},
                          "mode": "payment",
                          "payment_status": "unpaid",
                          "status": "open",
                          "url": "https://checkout.stripe.com/c/pay/cs_test_a1{{randomValue length=40 type='ALPHANUMERIC'}}"
                        }
                        """)));
    configured =
        boot(
            "payments",
            Map.of(
                "BROKER_STRIPE_SECRET_KEY",
                SECRET_KEY,
                "BROKER_STRIPE_WEBHOOK_SECRET",
                "whsec_test_one,whsec_test_two",
                "BROKER_STRIPE_API_BASE",
                "http://127.0.0.1:" + stripe.port(),
                "BROKER_STRIPE_PUBLISHABLE_KEY",
                "pk_test_51FakePublishableKeyForTests"));
    unconfigured = boot("payments-off", Map.of());
    configured.process().awaitReady(Duration.ofSeconds(180));
    unconfigured.process().awaitReady(Duration.ofSeconds(180));
    cmsSecret = register("cms", ORIGIN);
    cmsToken = token("cms", cmsSecret, "payments");
    otherToken = token("other", register("other", "https://other.example.net"), "payments");
  }

  private static Broker boot(String name, Map<String, String> extra) throws Exception {
    Path work = BrokerHome.freshDirectory(name);
    Path data = work.resolve("data");
    int https = BrokerHome.freePort();
    Map<String, String> env = new java.util.HashMap<>(extra);
    env.put("BROKER_DATA_DIR", data.toString());
    env.put("BROKER_HTTPS_PORT", Integer.toString(https));
    env.put("BROKER_HTTP_PORT", "off");
    return new Broker(
        BrokerProcess.start(work, Map.copyOf(env)),
        work,
        Map.copyOf(env),
        "https://localhost:" + https,
        data);
  }

  private static Secret register(String clientId, String origin) throws Exception {
    BrokerProcess.Completed run =
        BrokerProcess.run(
            configured.work(),
            configured.env(),
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
            origin,
            "--grant-type",
            "client_credentials");
    assertEquals(0, run.exitCode(), run.stderr());
    Matcher m = Pattern.compile("client secret: (\\S+)").matcher(run.stdout());
    assertTrue(m.find(), run.stdout());
    return new Secret(m.group(1));
  }

  private static String token(String clientId, Secret secret, String scope) throws Exception {
    TokenRequest request =
        new TokenRequest(
            URI.create(configured.base() + "/oauth2/token"),
            new ClientSecretBasic(new ClientID(clientId), secret),
            new ClientCredentialsGrant(),
            scope == null ? null : new Scope(scope));
    TokenResponse answer =
        OIDCTokenResponseParser.parse(NimbusHttp.send(configured.http(), request.toHTTPRequest()));
    assertTrue(answer.indicatesSuccess(), String.valueOf(answer.toHTTPResponse().getBody()));
    AccessToken token = answer.toSuccessResponse().getTokens().getAccessToken();
    return token.getValue();
  }

  private static String body(
      long amount, String description, String reference, String returnUrl, String mode) {
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    json.put("amount", amount);
    json.put("currency", "eur");
    json.put("description", description);
    json.put("reference", reference);
    json.put("donor_email", "donor@example.org");
    json.put("return_url", returnUrl);
    json.put("cancel_url", ORIGIN + "/donate/cancelled");
    json.put("mode", mode);
    return JSONObjectUtils.toJSONString(json);
  }

  private static String body(long amount, String description, String reference) {
    return body(amount, description, reference, ORIGIN + "/donate/thanks", "redirect");
  }

  private static HttpResponse<String> create(
      Broker broker, String token, String idempotencyKey, String json) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(broker.base() + "/api/v1/payments"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return broker.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(Broker broker, String token, String path)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(broker.base() + path)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return broker.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
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

  @Test
  void createAnswers201WithCheckoutUrlAndStripeGetsTheServerSideAmount() throws Exception {
    HttpResponse<String> answer =
        create(configured, cmsToken, key(), body(1250, "Donation to the library", "contrib-1"));

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
        configured.base() + "/api/v1/payments/" + id,
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

  @Test
  void embeddedModeAnswersTheBrokersEmbedUrl() throws Exception {
    HttpResponse<String> answer =
        create(
            configured,
            cmsToken,
            key(),
            body(800, "Membership", "contrib-embedded", ORIGIN + "/donate/done", "embedded"));

    assertEquals(201, answer.statusCode(), answer.body());
    Json payment = json(answer);
    String id = payment.getString("id");
    assertEquals(configured.base() + "/pay/" + id, payment.getString("embed_url"));
    assertFalse(payment.containsKey("checkout_url"));
    Map<String, String> form = stripeRequestsWithKey("broker-" + id).get(0);
    assertEquals("embedded", form.get("ui_mode"));
    assertEquals(ORIGIN + "/donate/done", form.get("return_url"));
    assertFalse(form.containsKey("success_url"));
  }

  @Test
  void sameIdempotencyKeyAndBodyAnswersTheSamePayment() throws Exception {
    String key = key();
    String json = body(2000, "Gift", "contrib-2");
    HttpResponse<String> first = create(configured, cmsToken, key, json);
    HttpResponse<String> second = create(configured, cmsToken, key, json);

    assertEquals(201, first.statusCode(), first.body());
    assertEquals(201, second.statusCode(), second.body());
    assertEquals(json(first).getString("id"), json(second).getString("id"));
    assertEquals(json(first).getString("checkout_url"), json(second).getString("checkout_url"));
    assertEquals(1, stripeRequestsWithKey("broker-" + json(first).getString("id")).size());
  }

  @Test
  void stripeRefusalAnswers502AndARepeatWithTheSameKeyCreatesTheSession() throws Exception {
    // Stripe refuses the first session for this amount, then accepts it.
    stripe.stubFor(
        post(urlEqualTo(SESSIONS))
            .atPriority(1)
            .withRequestBody(matching("(?s).*unit_amount(%5D|\\])=4321.*"))
            .inScenario("refused once")
            .whenScenarioStateIs(Scenario.STARTED)
            .willSetStateTo("accepting")
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("Request-Id", "req_refused")
                    .withBody(
                        """
                        {"error": {"type": "invalid_request_error", "code": "parameter_invalid",
                          "message": "Invalid request (fake)."}}
                        """)));
    String key = key();
    String json = body(4321, "Gift", "contrib-retry");

    HttpResponse<String> refused = create(configured, cmsToken, key, json);
    assertEquals(502, refused.statusCode(), refused.body());
    assertEquals("temporarily_unavailable", json(refused).getString("error"));
    assertFalse(refused.body().contains("fake"), refused.body());

    HttpResponse<String> repeated = create(configured, cmsToken, key, json);
    assertEquals(201, repeated.statusCode(), repeated.body());
    String id = json(repeated).getString("id");
    assertTrue(json(repeated).getString("checkout_url").startsWith("https://checkout.stripe.com/"));
    // Both attempts carried the same Stripe idempotency key; one payment exists.
    assertEquals(2, stripeRequestsWithKey("broker-" + id).size());
    HttpResponse<String> found =
        get(configured, cmsToken, "/api/v1/payments?reference=contrib-retry");
    assertEquals(1, json(found).payments().size());
  }

  @Test
  void sameIdempotencyKeyWithAnotherBodyIsAConflict() throws Exception {
    String key = key();
    assertEquals(
        201, create(configured, cmsToken, key, body(2000, "Gift", "contrib-3")).statusCode());
    int calls = stripeCalls();

    HttpResponse<String> answer =
        create(configured, cmsToken, key, body(2001, "Gift", "contrib-3"));

    assertEquals(409, answer.statusCode(), answer.body());
    assertEquals("idempotency_key_reused", json(answer).getString("error"));
    assertEquals(calls, stripeCalls());
  }

  @Test
  void theSameKeyOfTwoClientsMakesTwoPayments() throws Exception {
    String key = key();
    String json = body(1500, "Gift", "contrib-shared-key");
    HttpResponse<String> cms = create(configured, cmsToken, key, json);
    HttpResponse<String> other =
        create(configured, otherToken, key, json.replace(ORIGIN, "https://other.example.net"));
    assertEquals(201, cms.statusCode(), cms.body());
    assertEquals(201, other.statusCode(), other.body());
    assertNotEquals(json(cms).getString("id"), json(other).getString("id"));
  }

  @Test
  void cardNumberInTheDescriptionIsRefusedAndNothingIsStoredOrSent() throws Exception {
    int calls = stripeCalls();
    HttpResponse<String> answer =
        create(
            configured,
            cmsToken,
            key(),
            body(1000, "Pay with 4242 4242 4242 4242 please", "contrib-card"));

    assertEquals(400, answer.statusCode(), answer.body());
    Json error = json(answer);
    assertEquals("invalid_request", error.getString("error"));
    assertEquals("card_number_in_request", error.getString("reason"));
    assertFalse(answer.body().contains("4242"), answer.body());
    assertEquals(calls, stripeCalls());
    HttpResponse<String> found =
        get(configured, cmsToken, "/api/v1/payments?reference=contrib-card");
    assertEquals(200, found.statusCode(), found.body());
    assertTrue(json(found).payments().isEmpty());
  }

  @Test
  void returnUrlOnAForeignOriginIsRefused() throws Exception {
    HttpResponse<String> answer =
        create(
            configured,
            cmsToken,
            key(),
            body(1000, "Gift", "contrib-foreign", "https://evil.example.com/thanks", "redirect"));

    assertEquals(400, answer.statusCode(), answer.body());
    assertEquals("return_url_foreign_origin", json(answer).getString("reason"));
  }

  @Test
  void missingIdempotencyKeyIsRefused() throws Exception {
    HttpResponse<String> answer = create(configured, cmsToken, null, body(1000, "Gift", "c-nokey"));
    assertEquals(400, answer.statusCode(), answer.body());
    assertEquals("invalid_idempotency_key", json(answer).getString("reason"));
  }

  @Test
  void malformedJsonIsRefused() throws Exception {
    HttpResponse<String> answer = create(configured, cmsToken, key(), "{\"amount\": ");
    assertEquals(400, answer.statusCode(), answer.body());
    assertEquals("invalid_request", json(answer).getString("error"));
  }

  @Test
  void noTokenIsUnauthorized() throws Exception {
    int calls = stripeCalls();
    HttpResponse<String> answer = create(configured, null, key(), body(1000, "Gift", "c-anon"));

    assertEquals(401, answer.statusCode(), answer.body());
    assertTrue(answer.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
    assertEquals(calls, stripeCalls());
  }

  @Test
  void invalidTokenIsUnauthorized() throws Exception {
    HttpResponse<String> answer =
        create(configured, "not.a.token", key(), body(1000, "Gift", "c-bad"));
    assertEquals(401, answer.statusCode(), answer.body());
    assertTrue(
        answer.headers().firstValue("WWW-Authenticate").orElseThrow().contains("invalid_token"));
  }

  @Test
  void tokenWithoutThePaymentsScopeIsForbidden() throws Exception {
    String token = token("cms", cmsSecret, null);
    HttpResponse<String> answer = create(configured, token, key(), body(1000, "Gift", "c-scope"));
    assertEquals(403, answer.statusCode(), answer.body());
    assertTrue(
        answer
            .headers()
            .firstValue("WWW-Authenticate")
            .orElseThrow()
            .contains("error=\"insufficient_scope\""));
  }

  @Test
  void clientReadsItsOwnPaymentButNotAnotherClients() throws Exception {
    HttpResponse<String> created =
        create(configured, cmsToken, key(), body(3000, "Gift", "contrib-read"));
    String id = json(created).getString("id");

    HttpResponse<String> own = get(configured, cmsToken, "/api/v1/payments/" + id);
    assertEquals(200, own.statusCode(), own.body());
    assertEquals(id, json(own).getString("id"));
    assertEquals(3000, json(own).getLong("amount"));
    assertEquals("contrib-read", json(own).getString("reference"));

    HttpResponse<String> foreign = get(configured, otherToken, "/api/v1/payments/" + id);
    assertEquals(404, foreign.statusCode(), foreign.body());
    assertEquals(404, get(configured, cmsToken, "/api/v1/payments/pay_unknown").statusCode());

    HttpResponse<String> byReference =
        get(configured, cmsToken, "/api/v1/payments?reference=contrib-read");
    assertEquals(200, byReference.statusCode(), byReference.body());
    assertEquals(id, json(byReference).payments().get(0).get("id"));
    HttpResponse<String> otherByReference =
        get(configured, otherToken, "/api/v1/payments?reference=contrib-read");
    assertTrue(json(otherByReference).payments().isEmpty());
  }

  @Test
  void withoutStripeConfiguredPaymentsAreUnavailable() throws Exception {
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

  @AfterAll
  static void stop() throws Exception {
    for (Broker broker : new Broker[] {configured, unconfigured}) {
      if (broker != null) {
        broker.process().close();
      }
    }
    if (stripe != null) {
      stripe.stop();
    }
  }
}
