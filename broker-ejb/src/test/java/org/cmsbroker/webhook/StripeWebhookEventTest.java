package org.cmsbroker.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StripeWebhookEventTest {

  private static StripeWebhookEvent parse(String json) throws Exception {
    return StripeWebhookEvent.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsACheckoutSessionEvent() throws Exception {
    StripeWebhookEvent e =
        parse(
            """
            {"id":"evt_1","object":"event","type":"checkout.session.completed","created":1700000000,
             "data":{"object":{"id":"cs_test_1","object":"checkout.session",
               "client_reference_id":"pay_x","payment_status":"paid",
               "customer_details":{"email":"donor@example.org"},
               "metadata":{"broker_payment_id":"pay_abc"}}}}
            """);
    assertEquals("evt_1", e.id());
    assertEquals("checkout.session.completed", e.type());
    assertEquals(Instant.ofEpochSecond(1700000000), e.created());
    assertEquals("cs_test_1", e.objectId());
    assertEquals("checkout.session", e.objectType());
    assertEquals("pay_abc", e.brokerPaymentId());
    assertEquals("pay_x", e.clientReferenceId());
    assertEquals("paid", e.paymentStatus());
  }

  @Test
  void readsChargeAmounts() throws Exception {
    StripeWebhookEvent e =
        parse(
            """
            {"id":"evt_2","type":"charge.refunded","created":1,
             "data":{"object":{"id":"ch_1","object":"charge","amount":1250,"amount_refunded":250,
               "metadata":{}}}}
            """);
    assertEquals(1250, e.amount());
    assertEquals(250, e.amountRefunded());
    assertNull(e.brokerPaymentId());
    assertNull(e.paymentIntentId());
  }

  @Test
  void readsThePaymentIntentOfSessionsChargesRefundsAndDisputes() throws Exception {
    for (String object :
        new String[] {
          "{\"id\":\"cs_1\",\"object\":\"checkout.session\",\"payment_intent\":\"pi_1\"}",
          "{\"id\":\"ch_1\",\"object\":\"charge\",\"payment_intent\":\"pi_1\"}",
          "{\"id\":\"re_1\",\"object\":\"refund\",\"payment_intent\":\"pi_1\"}",
          "{\"id\":\"dp_1\",\"object\":\"dispute\",\"payment_intent\":\"pi_1\"}",
          "{\"id\":\"pi_1\",\"object\":\"payment_intent\"}"
        }) {
      StripeWebhookEvent e =
          parse(
              "{\"id\":\"evt_3\",\"type\":\"x\",\"created\":1,\"data\":{\"object\":"
                  + object
                  + "}}");
      assertEquals("pi_1", e.paymentIntentId(), object);
    }
  }

  @Test
  void readsTheObjectsStatus() throws Exception {
    StripeWebhookEvent e =
        parse(
            """
            {"id":"evt_4","type":"refund.updated","created":1,
             "data":{"object":{"id":"re_1","object":"refund","amount":500,"status":"succeeded",
               "payment_intent":"pi_9","metadata":{"broker_refund_id":"rfd_1"}}}}
            """);
    assertEquals("succeeded", e.status());
    assertEquals("re_1", e.objectId());
    assertEquals("pi_9", e.paymentIntentId());
    assertEquals("rfd_1", e.brokerRefundId());
  }

  @Test
  void refusesWhatIsNotAnEvent() {
    for (String bad :
        new String[] {
          "",
          "not json",
          "[1,2]",
          "{\"id\":\"evt_1\"",
          "{\"type\":\"x\",\"created\":1,\"data\":{\"object\":{}}}",
          "{\"id\":\"evt_1\",\"created\":1,\"data\":{\"object\":{}}}",
          "{\"id\":\"evt_1\",\"type\":\"x\",\"data\":{\"object\":{}}}",
          "{\"id\":\"evt_1\",\"type\":\"x\",\"created\":1.5,\"data\":{\"object\":{}}}",
          "{\"id\":\"evt_1\",\"type\":\"x\",\"created\":1}",
          "{\"id\":\"evt_1\",\"type\":\"x\",\"created\":1,\"data\":{\"object\":[]}}",
          "{\"id\":\"evt_1\",\"type\":\"x\",\"created\":1,\"data\":{\"object\":{\"amount\":-1}}}",
          "{\"id\":\"evt_1\",\"type\":\"x\",\"created\":1,\"data\":{\"object\":{\"amount\":\"5\"}}}"
        }) {
      assertThrows(StripeWebhookEvent.MalformedEventException.class, () -> parse(bad), bad);
    }
  }
}
