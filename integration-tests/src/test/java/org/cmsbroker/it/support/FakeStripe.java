package org.cmsbroker.it.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fake Stripe API (WireMock on 127.0.0.1) that the broker's real Stripe SDK talks to, and Stripe
 * webhook events made and signed in the test exactly as Stripe makes and signs them.
 */
public final class FakeStripe {
  /** A test-mode secret key of the right shape; Stripe never sees it. */
  public static final String SECRET_KEY = "sk_test_" + "51FakeKeyForTheBrokerTests0000";

  /** Where Stripe creates Checkout Sessions. */
  public static final String SESSIONS = "/v1/checkout/sessions";

  /**
   * The open Checkout Session of 12.50 EUR that {@link #start()} answers: its id is {@link
   * #sessionId} of the broker's payment (its {@code client_reference_id}), so that tests can send
   * the events of the broker's own session.
   */
  public static final String OPEN_SESSION =
      session(
          "cs_test_secret_{{randomValue length=16 type='ALPHANUMERIC'}}",
          """
            "amount_total": 1250,
            "url": "https://checkout.stripe.com/c/pay/cs_test_a1{{randomValue length=40 type='ALPHANUMERIC'}}"
          """);

  private FakeStripe() {}

  /**
   * A started WireMock server that answers {@code POST /v1/checkout/sessions} with a new open
   * Checkout Session of 12.50 EUR (random id); the caller stops it.
   */
  public static WireMockServer start() {
    return start(OPEN_SESSION);
  }

  /**
   * A started WireMock server that answers {@code POST /v1/checkout/sessions} with {@code
   * sessionJson} (a response template); the caller stops it.
   */
  public static WireMockServer start(String sessionJson) {
    WireMockServer stripe = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    stripe.start();
    stripe.stubFor(post(urlEqualTo(SESSIONS)).willReturn(answer(sessionJson)));
    return stripe;
  }

  /** An open embedded Checkout Session (random id) whose client secret is {@code clientSecret}. */
  public static String embeddedSession(String clientSecret) {
    return session(
        clientSecret,
        """
          "ui_mode": "embedded",
          "url": null
        """);
  }

  /** An open Checkout Session with these fields besides those every open session has. */
  private static String session(String clientSecret, String fields) {
    return """
        {
          "id": "{{formData request.body 'form' urlDecode=true}}cs_test_{{form.client_reference_id}}",
          "object": "checkout.session",
          "client_secret": "%s",
          "currency": "eur",
          "expires_at": 1893456000,
          "livemode": false,
          "metadata": {},
          "mode": "payment",
          "payment_status": "unpaid",
          "status": "open",
        %s}
        """
        .formatted(clientSecret, fields);
  }

  /** A 200 answer as Stripe gives it: JSON with a Request-Id, {@code body} a response template. */
  public static ResponseDefinitionBuilder answer(String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withHeader("Request-Id", "req_fake")
        .withTransformers("response-template")
        .withBody(body);
  }

  /** An error answer as Stripe gives it: {@code status} with the JSON {@code body}. */
  public static ResponseDefinitionBuilder error(int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  /** Stripe's signature: HMAC-SHA256 keyed with the whole secret over {@code t + "." + body}. */
  public static String sign(String secret, long t, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
    return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  /**
   * The id of the Checkout Session the fake Stripe made for the broker's payment {@code paymentId}.
   */
  public static String sessionId(String paymentId) {
    return "cs_test_" + paymentId;
  }

  /**
   * An event of the broker's own Checkout Session for {@code payment} as Stripe sends it (trimmed):
   * the session's id, amount and currency are the payment's, and it names the payment in its {@code
   * client_reference_id} and metadata.
   */
  public static String sessionEvent(
      String eventId, String type, long created, Map<String, Object> payment, String status) {
    return sessionEvent(eventId, type, created, payment, status, null);
  }

  /**
   * A Checkout Session event as above whose session carries {@code paymentIntentId} as its {@code
   * payment_intent} (as a paid session does), or none when it is null.
   */
  public static String sessionEvent(
      String eventId,
      String type,
      long created,
      Map<String, Object> payment,
      String status,
      String paymentIntentId) {
    String id = (String) payment.get("id");
    return checkoutEvent(
        eventId,
        type,
        created,
        sessionId(id),
        id,
        id,
        ((Number) payment.get("amount")).longValue(),
        (String) payment.get("currency"),
        status,
        paymentIntentId);
  }

  /**
   * A Checkout Session event with every field given: {@code sessionId} may be one the broker never
   * made (a Payment Link on the same account, say); {@code metadataPaymentId} and {@code
   * clientReferenceId} are left out when null.
   */
  public static String checkoutEvent(
      String eventId,
      String type,
      long created,
      String sessionId,
      String metadataPaymentId,
      String clientReferenceId,
      long amountTotal,
      String currency,
      String paymentStatus,
      String paymentIntentId) {
    String paymentIntent =
        paymentIntentId == null ? "" : "\"payment_intent\": \"" + paymentIntentId + "\",";
    String metadata =
        metadataPaymentId == null ? "{}" : "{\"broker_payment_id\": \"" + metadataPaymentId + "\"}";
    String reference =
        clientReferenceId == null ? "" : "\"client_reference_id\": \"" + clientReferenceId + "\",";
    return """
        {
          "id": "%s",
          "object": "event",
          "api_version": "2024-06-20",
          "created": %d,
          "data": {
            "object": {
              "id": "%s",
              "object": "checkout.session",
              "amount_total": %d,%s
              "currency": "%s",
              "customer_details": {"email": "donor@example.org"},
              "metadata": %s,
              "mode": "payment",%s
              "payment_status": "%s",
              "status": "complete"
            }
          },
          "livemode": false,
          "pending_webhooks": 1,
          "type": "%s"
        }
        """
        .formatted(
            eventId,
            created,
            sessionId,
            amountTotal,
            reference,
            currency,
            metadata,
            paymentIntent,
            paymentStatus,
            type);
  }

  /** A {@code charge.*} event as Stripe sends it: no metadata of the broker, only the PI. */
  public static String chargeEvent(
      String eventId, String type, String paymentIntentId, long amount, long amountRefunded) {
    return """
        {"id": "%s", "object": "event", "api_version": "2024-06-20", "created": %d,
         "data": {"object": {"id": "ch_%s", "object": "charge", "amount": %d,
           "amount_refunded": %d, "currency": "eur", "metadata": {}, "paid": true,
           "payment_intent": "%s", "refunded": %s, "status": "succeeded"}},
         "livemode": false, "pending_webhooks": 1, "type": "%s"}
        """
        .formatted(
            eventId,
            java.time.Instant.now().getEpochSecond(),
            paymentIntentId.substring(3),
            amount,
            amountRefunded,
            paymentIntentId,
            amountRefunded == amount,
            type);
  }

  /** A {@code charge.dispute.*} event as Stripe sends it: only the PI names the payment. */
  public static String disputeEvent(String eventId, String type, String paymentIntentId) {
    return """
        {"id": "%s", "object": "event", "api_version": "2024-06-20", "created": %d,
         "data": {"object": {"id": "dp_%s", "object": "dispute", "amount": 1250,
           "currency": "eur", "metadata": {}, "payment_intent": "%s", "reason": "fraudulent",
           "status": "needs_response"}},
         "livemode": false, "pending_webhooks": 1, "type": "%s"}
        """
        .formatted(
            eventId,
            java.time.Instant.now().getEpochSecond(),
            paymentIntentId.substring(3),
            paymentIntentId,
            type);
  }
}
