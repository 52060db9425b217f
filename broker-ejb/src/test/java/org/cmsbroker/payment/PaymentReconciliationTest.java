package org.cmsbroker.payment;

import static org.cmsbroker.payment.PaymentStatus.EXPIRED;
import static org.cmsbroker.payment.PaymentStatus.FAILED;
import static org.cmsbroker.payment.PaymentStatus.PARTIALLY_REFUNDED;
import static org.cmsbroker.payment.PaymentStatus.PENDING;
import static org.cmsbroker.payment.PaymentStatus.REFUNDED;
import static org.cmsbroker.payment.PaymentStatus.SUCCEEDED;
import static org.cmsbroker.payment.PaymentTransition.Decision.APPLY;
import static org.cmsbroker.payment.PaymentTransition.Decision.IGNORE_NO_CHANGE;
import static org.cmsbroker.payment.PaymentTransition.Decision.NEEDS_FETCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.stripe.model.checkout.Session;
import com.stripe.net.ApiResource;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Deriving a payment's state from Stripe's fetched objects ({@link PaymentStateMachine#reconcile}).
 */
class PaymentReconciliationTest {
  private static final long AMOUNT = 1000;
  private static final Instant T0 = Instant.parse("2025-06-01T08:00:00Z");
  private static final Instant AT = T0.plusSeconds(60);

  private static PaymentState state(PaymentStatus status, long refunded, boolean disputed) {
    return new PaymentState(status, AMOUNT, refunded, disputed, status == PENDING ? null : T0);
  }

  private static StripeSnapshot session(String status, String paymentStatus) {
    return new StripeSnapshot(status, paymentStatus, null, null, false, false, null, null, null);
  }

  private static StripeSnapshot charged(long amount, long refunded, boolean disputed) {
    return new StripeSnapshot(
        "complete", "paid", "pi_1", "succeeded", false, true, amount, refunded, disputed);
  }

  private static PaymentTransition reconcile(PaymentState current, StripeSnapshot fetched) {
    return PaymentStateMachine.reconcile(current, fetched, AT);
  }

  @Test
  void paidChargeMakesAPendingPaymentSucceed() {
    PaymentTransition t = reconcile(state(PENDING, 0, false), charged(AMOUNT, 0, false));
    assertEquals(APPLY, t.decision());
    assertEquals(SUCCEEDED, t.state().status());
    assertEquals(AT, t.state().lastEventAt());
  }

  @Test
  void refundBeforeSuccessIsSettledByTheChargesAmountRefunded() {
    PaymentTransition t = reconcile(state(PENDING, 0, false), charged(AMOUNT, 400, false));
    assertEquals(APPLY, t.decision());
    assertEquals(PARTIALLY_REFUNDED, t.state().status());
    assertEquals(400, t.state().amountRefunded());
  }

  @Test
  void fullyRefundedChargeMeansRefunded() {
    PaymentTransition t = reconcile(state(SUCCEEDED, 0, false), charged(AMOUNT, AMOUNT, false));
    assertEquals(REFUNDED, t.state().status());
  }

  @Test
  void disputeBeforeSuccessSetsTheFlagAndTheSuccess() {
    PaymentTransition t = reconcile(state(PENDING, 0, false), charged(AMOUNT, 0, true));
    assertEquals(APPLY, t.decision());
    assertEquals(SUCCEEDED, t.state().status());
    assertTrue(t.state().disputed());
  }

  @Test
  void aSetDisputeFlagStays() {
    PaymentTransition t = reconcile(state(SUCCEEDED, 0, true), charged(AMOUNT, 0, false));
    assertEquals(IGNORE_NO_CHANGE, t.decision());
    assertTrue(t.state().disputed());
  }

  @Test
  void aFailedRefundLowersAmountRefundedBecauseTheChargeIsTheTruth() {
    PaymentTransition t = reconcile(state(REFUNDED, AMOUNT, false), charged(AMOUNT, 300, false));
    assertEquals(APPLY, t.decision());
    assertEquals(PARTIALLY_REFUNDED, t.state().status());
    assertEquals(300, t.state().amountRefunded());
  }

  @Test
  void stripeAgreeingChangesNothing() {
    PaymentTransition t =
        reconcile(state(PARTIALLY_REFUNDED, 300, false), charged(AMOUNT, 300, false));
    assertEquals(IGNORE_NO_CHANGE, t.decision());
    assertEquals(T0, t.state().lastEventAt());
  }

  @Test
  void chargeOfAnotherAmountIsLeftAlone() {
    PaymentState current = state(PENDING, 0, false);
    PaymentTransition t = reconcile(current, charged(AMOUNT + 1, 0, false));
    assertEquals(NEEDS_FETCH, t.decision());
    assertEquals(current, t.state());
  }

  @Test
  void paidSessionWithoutChargeDetailsSucceedsKeepingRefunds() {
    assertEquals(
        SUCCEEDED,
        reconcile(state(PENDING, 0, false), session("complete", "paid")).state().status());
    assertEquals(
        IGNORE_NO_CHANGE,
        reconcile(state(PARTIALLY_REFUNDED, 300, false), session("complete", "paid")).decision());
  }

  @Test
  void expiredSessionExpiresAPendingOrFailedPayment() {
    assertEquals(
        EXPIRED,
        reconcile(state(PENDING, 0, false), session("expired", "unpaid")).state().status());
    assertEquals(
        EXPIRED, reconcile(state(FAILED, 0, false), session("expired", "unpaid")).state().status());
  }

  @Test
  void expiredSessionDoesNotUndoASuccessKnownFromAnEvent() {
    PaymentTransition t = reconcile(state(SUCCEEDED, 0, false), session("expired", "unpaid"));
    assertEquals(IGNORE_NO_CHANGE, t.decision());
    assertEquals(SUCCEEDED, t.state().status());
  }

  @Test
  void failedAttemptMakesAPendingPaymentFailed() {
    StripeSnapshot failed =
        new StripeSnapshot(
            "open", "unpaid", "pi_1", "requires_payment_method", true, false, null, null, null);
    assertEquals(FAILED, reconcile(state(PENDING, 0, false), failed).state().status());
  }

  @Test
  void openUnpaidSessionDoesNotUndoAFailure() {
    assertEquals(
        IGNORE_NO_CHANGE, reconcile(state(FAILED, 0, false), session("open", "unpaid")).decision());
    assertEquals(
        IGNORE_NO_CHANGE,
        reconcile(state(PENDING, 0, false), session("open", "unpaid")).decision());
  }

  @Test
  void snapshotIsReadFromAnExpandedCheckoutSession() {
    Session session =
        ApiResource.GSON.fromJson(
            """
            {"id":"cs_1","object":"checkout.session","status":"complete","payment_status":"paid",
             "payment_intent":{"id":"pi_1","object":"payment_intent","status":"succeeded",
               "latest_charge":{"id":"ch_1","object":"charge","amount":1000,
                 "amount_refunded":250,"disputed":true,"paid":true,"status":"succeeded"}}}
            """,
            Session.class);
    StripeSnapshot s = StripeCheckout.snapshot(session);
    assertEquals("complete", s.sessionStatus());
    assertEquals("paid", s.sessionPaymentStatus());
    assertEquals("pi_1", s.paymentIntentId());
    assertEquals("succeeded", s.paymentIntentStatus());
    assertTrue(s.chargeSucceeded());
    assertEquals(1000L, s.chargeAmount());
    assertEquals(250L, s.chargeAmountRefunded());
    assertEquals(Boolean.TRUE, s.chargeDisputed());
  }

  @Test
  void snapshotOfASessionWithoutExpansionKeepsThePaymentIntentId() {
    Session session =
        ApiResource.GSON.fromJson(
            """
            {"id":"cs_1","object":"checkout.session","status":"expired","payment_status":"unpaid",
             "payment_intent":"pi_2"}
            """,
            Session.class);
    StripeSnapshot s = StripeCheckout.snapshot(session);
    assertEquals("pi_2", s.paymentIntentId());
    assertFalse(s.moneyTaken());
    assertNull(s.chargeAmount());
  }

  @Test
  void failedAttemptIsReadFromThePaymentIntentsLastError() {
    Session session =
        ApiResource.GSON.fromJson(
            """
            {"id":"cs_1","object":"checkout.session","status":"open","payment_status":"unpaid",
             "payment_intent":{"id":"pi_3","object":"payment_intent",
               "status":"requires_payment_method",
               "last_payment_error":{"type":"card_error","code":"card_declined"}}}
            """,
            Session.class);
    assertTrue(StripeCheckout.snapshot(session).paymentFailed());
  }
}
