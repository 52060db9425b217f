package org.cmsbroker.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.cmsbroker.payment.StripeWebhookEvent;
import org.junit.jupiter.api.Test;

/** The broker's view of an event, read from Stripe's typed objects. */
class StripeEventReaderTest {
  private static final String SECRET = "whsec_test_5Wq9vFZk2LmT8pRb3XyN7cJd";
  private final MutableClock clock = MutableClock.atStart();
  private final StripeSignatureVerifier verifier =
      new StripeSignatureVerifier(List.of(SECRET), clock);

  private StripeWebhookEvent read(String apiVersion, String type, String object) throws Exception {
    byte[] body =
        ("{\"id\":\"evt_1\",\"object\":\"event\",\"api_version\":\""
                + apiVersion
                + "\",\"created\":1700000000,\"type\":\""
                + type
                + "\",\"data\":{\"object\":"
                + object
                + "}}")
            .getBytes(StandardCharsets.UTF_8);
    long t = clock.instant().getEpochSecond();
    return StripeEventReader.read(
        verifier.verify(
            body, "t=" + t + ",v1=" + StripeSignatureVerifierTest.sign(SECRET, t, body)));
  }

  private StripeWebhookEvent read(String type, String object) throws Exception {
    return read("2025-08-27.basil", type, object);
  }

  @Test
  void readsACheckoutSessionWithItsClaimsAmountAndCurrency() throws Exception {
    StripeWebhookEvent e =
        read(
            "checkout.session.completed",
            """
            {"id":"cs_test_1","object":"checkout.session","client_reference_id":"pay_x",
             "payment_status":"paid","amount_total":1250,"currency":"eur","payment_intent":"pi_1",
             "customer_details":{"email":"donor@example.org"},
             "metadata":{"broker_payment_id":"pay_abc"}}
            """);
    assertEquals("evt_1", e.id());
    assertEquals(Instant.ofEpochSecond(1700000000), e.created());
    assertEquals("cs_test_1", e.objectId());
    assertEquals("checkout.session", e.objectType());
    assertEquals("pay_abc", e.brokerPaymentId());
    assertEquals("pay_x", e.clientReferenceId());
    assertEquals("paid", e.paymentStatus());
    assertEquals(1250L, e.amountTotal());
    assertEquals("eur", e.currency());
    assertEquals("pi_1", e.paymentIntentId());
    assertFalse(e.unparseable());
    assertFalse(e.toString().contains("donor@example.org"));
  }

  @Test
  void readsChargeAmounts() throws Exception {
    StripeWebhookEvent e =
        read(
            "charge.refunded",
            """
            {"id":"ch_1","object":"charge","amount":1250,"amount_refunded":250,"metadata":{},
             "payment_intent":"pi_1","currency":"eur"}
            """);
    assertEquals(1250, e.amount());
    assertEquals(250, e.amountRefunded());
    assertNull(e.brokerPaymentId());
    assertEquals("pi_1", e.paymentIntentId());
  }

  @Test
  void readsThePaymentIntentOfPaymentIntentsRefundsAndDisputes() throws Exception {
    assertEquals(
        "pi_1",
        read("payment_intent.payment_failed", "{\"id\":\"pi_1\",\"object\":\"payment_intent\"}")
            .paymentIntentId());
    StripeWebhookEvent refund =
        read(
            "refund.updated",
            "{\"id\":\"re_1\",\"object\":\"refund\",\"payment_intent\":\"pi_1\",\"status\":"
                + "\"succeeded\",\"metadata\":{\"broker_refund_id\":\"rfd_1\"}}");
    assertEquals("pi_1", refund.paymentIntentId());
    assertEquals("refund", refund.objectType());
    assertEquals("succeeded", refund.status());
    assertEquals("rfd_1", refund.brokerRefundId());
    StripeWebhookEvent dispute =
        read(
            "charge.dispute.created",
            "{\"id\":\"dp_1\",\"object\":\"dispute\",\"payment_intent\":\"pi_1\",\"amount\":500}");
    assertEquals("pi_1", dispute.paymentIntentId());
    assertEquals(500, dispute.amount());
  }

  @Test
  void anOlderApiVersionIsReadWhenItsObjectFits() throws Exception {
    StripeWebhookEvent e =
        read(
            "2024-06-20",
            "checkout.session.completed",
            "{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"amount_total\":1250}");
    assertFalse(e.unparseable());
    assertEquals(1250L, e.amountTotal());
  }

  @Test
  void anObjectTheLibraryCannotReadIsUnparseableNotAGuess() throws Exception {
    StripeWebhookEvent e =
        read(
            "2030-01-01.future",
            "checkout.session.completed",
            "{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"amount_total\":{\"value\":1250}}");
    assertTrue(e.unparseable());
    assertEquals("evt_1", e.id());
    assertNull(e.objectId());
    assertNull(e.amountTotal());
  }

  @Test
  void refusesNegativeAmounts() {
    assertThrows(
        StripeEventReader.MalformedEventException.class,
        () -> read("charge.refunded", "{\"id\":\"ch_1\",\"object\":\"charge\",\"amount\":-1}"));
  }
}
