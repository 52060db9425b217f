package org.cmsbroker.payment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.OffsetDateTime;
import org.cmsbroker.payment.PaymentRejectedException.Reason;
import org.junit.jupiter.api.Test;

/** Refund requests: checks, request hash, refund status order, conflict messages. */
class RefundRulesTest {

  private static Reason refused(Long amount, String reason) {
    return assertThrows(
            PaymentRejectedException.class,
            () -> RefundService.check(new RefundRequest(amount, reason)))
        .reason();
  }

  @Test
  void amountAndReasonAreOptional() {
    assertDoesNotThrow(() -> RefundService.check(new RefundRequest(null, null)));
    assertDoesNotThrow(() -> RefundService.check(new RefundRequest(1L, "duplicate")));
    assertDoesNotThrow(
        () -> RefundService.check(new RefundRequest(99_999_999L, "requested_by_customer")));
    assertDoesNotThrow(() -> RefundService.check(new RefundRequest(5L, "fraudulent")));
  }

  @Test
  void amountBelowOneIsRefused() {
    assertEquals(Reason.INVALID_REFUND_AMOUNT, refused(0L, null));
    assertEquals(Reason.INVALID_REFUND_AMOUNT, refused(-5L, null));
  }

  @Test
  void amountAboveStripesLargestIsRefused() {
    assertEquals(Reason.INVALID_REFUND_AMOUNT, refused(100_000_000L, null));
  }

  @Test
  void reasonOutsideStripesListIsRefused() {
    assertEquals(Reason.INVALID_REFUND_REASON, refused(null, "changed my mind"));
    assertEquals(Reason.INVALID_REFUND_REASON, refused(null, "DUPLICATE"));
    assertEquals(Reason.INVALID_REFUND_REASON, refused(null, ""));
  }

  @Test
  void cardNumberInTheReasonIsRefusedFirst() {
    assertEquals(Reason.CARD_NUMBER_IN_REQUEST, refused(0L, "4242 4242 4242 4242"));
  }

  @Test
  void requestHashTellsAbsentAmountFromAnyAmountAndCoversEveryField() {
    String all = RefundService.requestHash("pay_1", new RefundRequest(null, null));
    assertEquals(all, RefundService.requestHash("pay_1", new RefundRequest(null, null)));
    assertNotEquals(all, RefundService.requestHash("pay_1", new RefundRequest(0L, null)));
    assertNotEquals(all, RefundService.requestHash("pay_2", new RefundRequest(null, null)));
    assertNotEquals(
        RefundService.requestHash("pay_1", new RefundRequest(100L, null)),
        RefundService.requestHash("pay_1", new RefundRequest(101L, null)));
    assertNotEquals(all, RefundService.requestHash("pay_1", new RefundRequest(null, "duplicate")));
  }

  @Test
  void refundStatusNeverGoesBackToOpenAndFailureIsFinal() {
    OffsetDateTime now = OffsetDateTime.parse("2025-06-01T08:00:00Z");
    PaymentRefund refund = new PaymentRefund("rfd_1", "pay_1", "cms", 500, null, "k", "h", now);
    refund.stripeSays("re_1", "succeeded", now);
    refund.stripeSays("re_other", "pending", now);
    assertEquals("succeeded", refund.status());
    assertEquals("re_1", refund.stripeRefundId());
    refund.stripeSays(null, "failed", now);
    refund.stripeSays(null, "succeeded", now);
    assertEquals("failed", refund.status());
    refund.stripeSays(null, "something_new", now);
    assertEquals("failed", refund.status());
  }

  @Test
  void conflictMessageNamesTheStatusAndOnlyAWellFormedStripeCode() {
    assertEquals(
        "Only a pending payment can be cancelled; this payment is succeeded.",
        new PaymentConflictException(
                PaymentConflictException.Reason.NOT_CANCELLABLE, PaymentStatus.SUCCEEDED, null)
            .getMessage());
    assertEquals(
        "Stripe refused the refund (Stripe error code charge_already_refunded); this payment is"
            + " refunded.",
        new PaymentConflictException(
                PaymentConflictException.Reason.REFUND_REFUSED,
                PaymentStatus.REFUNDED,
                "charge_already_refunded")
            .getMessage());
    assertEquals(
        "Stripe refused the refund; this payment is succeeded.",
        new PaymentConflictException(
                PaymentConflictException.Reason.REFUND_REFUSED, PaymentStatus.SUCCEEDED, "<script>")
            .getMessage());
  }

  @Test
  void thePaymentIntentFirstNamedStays() {
    OffsetDateTime now = OffsetDateTime.parse("2025-06-01T08:00:00Z");
    Payment payment =
        new Payment(
            "pay_1",
            "cms",
            new NewPayment(
                1000,
                "eur",
                "Gift",
                "c-1",
                null,
                URI.create("https://cms.example.org/ok"),
                URI.create("https://cms.example.org/no"),
                PaymentMode.REDIRECT),
            null,
            "k",
            "h",
            now);
    payment.attachPaymentIntent(null);
    assertEquals(null, payment.stripePaymentIntentId());
    payment.attachPaymentIntent("pi_123");
    payment.attachPaymentIntent("pi_other");
    assertEquals("pi_123", payment.stripePaymentIntentId());
  }
}
