package org.cmsbroker.payment;

import static org.cmsbroker.payment.PaymentStatus.EXPIRED;
import static org.cmsbroker.payment.PaymentStatus.FAILED;
import static org.cmsbroker.payment.PaymentStatus.PARTIALLY_REFUNDED;
import static org.cmsbroker.payment.PaymentStatus.PENDING;
import static org.cmsbroker.payment.PaymentStatus.REFUNDED;
import static org.cmsbroker.payment.PaymentStatus.SUCCEEDED;
import static org.cmsbroker.payment.PaymentTransition.Decision.APPLY;
import static org.cmsbroker.payment.PaymentTransition.Decision.IGNORE_NO_CHANGE;
import static org.cmsbroker.payment.PaymentTransition.Decision.IGNORE_STALE;
import static org.cmsbroker.payment.PaymentTransition.Decision.IGNORE_UNKNOWN_TYPE;
import static org.cmsbroker.payment.PaymentTransition.Decision.NEEDS_FETCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.stream.Stream;
import org.cmsbroker.payment.PaymentTransition.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PaymentStateMachineTest {

  private static final long AMOUNT = 1000;
  private static final Instant T0 = Instant.parse("2025-06-01T08:00:00Z");
  private static final Instant BEFORE = T0.minusSeconds(60);
  private static final Instant AFTER = T0.plusSeconds(60);

  /** A payment in {@code status}, last changed by an event created at T0. */
  private static PaymentState at(PaymentStatus status) {
    long refunded =
        switch (status) {
          case PARTIALLY_REFUNDED -> 300;
          case REFUNDED -> AMOUNT;
          default -> 0;
        };
    return new PaymentState(status, AMOUNT, refunded, false, status == PENDING ? null : T0);
  }

  private static StripePaymentEvent completed(String paymentStatus, Instant created) {
    return StripePaymentEvent.checkoutSessionCompleted(created, paymentStatus);
  }

  private static StripePaymentEvent paid() {
    return completed("paid", AFTER);
  }

  private static StripePaymentEvent unpaid() {
    return completed("unpaid", AFTER);
  }

  private static StripePaymentEvent event(String type) {
    return StripePaymentEvent.of(type, AFTER);
  }

  private static StripePaymentEvent event(String type, Instant created) {
    return StripePaymentEvent.of(type, created);
  }

  private static StripePaymentEvent refunded(long amountRefunded) {
    return StripePaymentEvent.chargeRefunded(AFTER, AMOUNT, amountRefunded);
  }

  private static final String ASYNC_OK =
      StripePaymentEvent.CHECKOUT_SESSION_ASYNC_PAYMENT_SUCCEEDED;
  private static final String ASYNC_FAILED =
      StripePaymentEvent.CHECKOUT_SESSION_ASYNC_PAYMENT_FAILED;
  private static final String SESSION_EXPIRED = StripePaymentEvent.CHECKOUT_SESSION_EXPIRED;
  private static final String PI_FAILED = StripePaymentEvent.PAYMENT_INTENT_PAYMENT_FAILED;
  private static final String DISPUTE = StripePaymentEvent.CHARGE_DISPUTE_CREATED;

  private static Arguments row(
      PaymentStatus from, StripePaymentEvent event, Decision decision, PaymentStatus to) {
    return Arguments.of(at(from), event, decision, to);
  }

  static Stream<Arguments> transitions() {
    return Stream.of(
        // From pending: every way forward.
        row(PENDING, paid(), APPLY, SUCCEEDED),
        row(PENDING, unpaid(), IGNORE_NO_CHANGE, PENDING),
        row(PENDING, completed("no_payment_required", AFTER), NEEDS_FETCH, PENDING),
        row(PENDING, completed(null, AFTER), NEEDS_FETCH, PENDING),
        row(PENDING, event(ASYNC_OK), APPLY, SUCCEEDED),
        row(PENDING, event(ASYNC_FAILED), APPLY, FAILED),
        row(PENDING, event(SESSION_EXPIRED), APPLY, EXPIRED),
        row(PENDING, event(PI_FAILED), APPLY, FAILED),
        // A refund or dispute before the success: the success is still on its way.
        row(PENDING, refunded(AMOUNT), NEEDS_FETCH, PENDING),
        row(PENDING, refunded(300), NEEDS_FETCH, PENDING),
        row(PENDING, event(DISPUTE), NEEDS_FETCH, PENDING),
        row(PENDING, event("customer.created"), IGNORE_UNKNOWN_TYPE, PENDING),
        // From succeeded: only refunds move it; a late pending, failure or expiry never does.
        row(SUCCEEDED, paid(), IGNORE_NO_CHANGE, SUCCEEDED),
        row(SUCCEEDED, event(ASYNC_OK), IGNORE_NO_CHANGE, SUCCEEDED),
        row(SUCCEEDED, unpaid(), IGNORE_STALE, SUCCEEDED),
        row(SUCCEEDED, event(ASYNC_FAILED), IGNORE_STALE, SUCCEEDED),
        row(SUCCEEDED, event(SESSION_EXPIRED), IGNORE_STALE, SUCCEEDED),
        row(SUCCEEDED, event(PI_FAILED), IGNORE_STALE, SUCCEEDED),
        row(SUCCEEDED, refunded(AMOUNT), APPLY, REFUNDED),
        row(SUCCEEDED, refunded(300), APPLY, PARTIALLY_REFUNDED),
        row(SUCCEEDED, event(DISPUTE), APPLY, SUCCEEDED),
        row(SUCCEEDED, event("payment_intent.succeeded"), IGNORE_UNKNOWN_TYPE, SUCCEEDED),
        // From failed: a success still wins (Checkout lets the donor retry after a decline).
        row(FAILED, paid(), APPLY, SUCCEEDED),
        row(FAILED, completed("paid", BEFORE), APPLY, SUCCEEDED),
        row(FAILED, event(ASYNC_OK), APPLY, SUCCEEDED),
        row(FAILED, unpaid(), IGNORE_STALE, FAILED),
        row(FAILED, event(PI_FAILED), IGNORE_NO_CHANGE, FAILED),
        row(FAILED, event(ASYNC_FAILED), IGNORE_NO_CHANGE, FAILED),
        row(FAILED, event(SESSION_EXPIRED, AFTER), APPLY, EXPIRED),
        row(FAILED, event(SESSION_EXPIRED, T0), IGNORE_STALE, FAILED),
        row(FAILED, event(SESSION_EXPIRED, BEFORE), IGNORE_STALE, FAILED),
        row(FAILED, refunded(AMOUNT), NEEDS_FETCH, FAILED),
        row(FAILED, event(DISPUTE), NEEDS_FETCH, FAILED),
        // From expired: the newer of the two "no money" outcomes stands.
        row(EXPIRED, event(SESSION_EXPIRED), IGNORE_NO_CHANGE, EXPIRED),
        row(EXPIRED, event(PI_FAILED, BEFORE), IGNORE_STALE, EXPIRED),
        row(EXPIRED, event(PI_FAILED, T0), IGNORE_STALE, EXPIRED),
        row(EXPIRED, event(PI_FAILED, AFTER), APPLY, FAILED),
        row(EXPIRED, unpaid(), IGNORE_STALE, EXPIRED),
        row(EXPIRED, paid(), APPLY, SUCCEEDED),
        row(EXPIRED, refunded(AMOUNT), NEEDS_FETCH, EXPIRED),
        row(EXPIRED, event(DISPUTE), NEEDS_FETCH, EXPIRED),
        // From partially refunded (300 of 1000): amount_refunded only grows.
        row(PARTIALLY_REFUNDED, refunded(500), APPLY, PARTIALLY_REFUNDED),
        row(PARTIALLY_REFUNDED, refunded(300), IGNORE_NO_CHANGE, PARTIALLY_REFUNDED),
        row(PARTIALLY_REFUNDED, refunded(200), IGNORE_STALE, PARTIALLY_REFUNDED),
        row(PARTIALLY_REFUNDED, refunded(AMOUNT), APPLY, REFUNDED),
        row(PARTIALLY_REFUNDED, paid(), IGNORE_STALE, PARTIALLY_REFUNDED),
        row(PARTIALLY_REFUNDED, event(ASYNC_OK), IGNORE_STALE, PARTIALLY_REFUNDED),
        row(PARTIALLY_REFUNDED, unpaid(), IGNORE_STALE, PARTIALLY_REFUNDED),
        row(PARTIALLY_REFUNDED, event(PI_FAILED), IGNORE_STALE, PARTIALLY_REFUNDED),
        row(PARTIALLY_REFUNDED, event(SESSION_EXPIRED), IGNORE_STALE, PARTIALLY_REFUNDED),
        row(PARTIALLY_REFUNDED, event(DISPUTE), APPLY, PARTIALLY_REFUNDED),
        // From refunded: nothing but a dispute changes it.
        row(REFUNDED, refunded(AMOUNT), IGNORE_NO_CHANGE, REFUNDED),
        row(REFUNDED, refunded(300), IGNORE_STALE, REFUNDED),
        row(REFUNDED, paid(), IGNORE_STALE, REFUNDED),
        row(REFUNDED, event(ASYNC_OK), IGNORE_STALE, REFUNDED),
        row(REFUNDED, unpaid(), IGNORE_STALE, REFUNDED),
        row(REFUNDED, event(ASYNC_FAILED), IGNORE_STALE, REFUNDED),
        row(REFUNDED, event(SESSION_EXPIRED), IGNORE_STALE, REFUNDED),
        row(REFUNDED, event(DISPUTE), APPLY, REFUNDED),
        // Refund data that does not fit the payment: ask Stripe.
        row(SUCCEEDED, StripePaymentEvent.chargeRefunded(AFTER, 999, 999), NEEDS_FETCH, SUCCEEDED),
        row(SUCCEEDED, refunded(0), NEEDS_FETCH, SUCCEEDED),
        row(SUCCEEDED, refunded(-1), NEEDS_FETCH, SUCCEEDED),
        row(SUCCEEDED, refunded(AMOUNT + 1), NEEDS_FETCH, SUCCEEDED));
  }

  @ParameterizedTest(name = "{0} + {1} -> {2} {3}")
  @MethodSource("transitions")
  void eventMovesPaymentOnlyForward(
      PaymentState current, StripePaymentEvent event, Decision decision, PaymentStatus to) {
    PaymentTransition transition = PaymentStateMachine.decide(current, event);
    assertEquals(decision, transition.decision());
    assertEquals(to, transition.state().status());
    if (decision == APPLY) {
      assertEquals(latest(current, event), transition.state().lastEventAt());
    } else {
      assertSame(current, transition.state());
    }
  }

  private static Instant latest(PaymentState current, StripePaymentEvent event) {
    Instant last = current.lastEventAt();
    return last == null || event.created().isAfter(last) ? event.created() : last;
  }

  @Test
  void refundRecordsTheCumulativeAmountRefunded() {
    PaymentState partial = PaymentStateMachine.decide(at(SUCCEEDED), refunded(300)).state();
    assertEquals(300, partial.amountRefunded());
    PaymentState more = PaymentStateMachine.decide(partial, refunded(700)).state();
    assertEquals(PARTIALLY_REFUNDED, more.status());
    assertEquals(700, more.amountRefunded());
    PaymentState full = PaymentStateMachine.decide(more, refunded(AMOUNT)).state();
    assertEquals(REFUNDED, full.status());
    assertEquals(AMOUNT, full.amountRefunded());
  }

  @Test
  void disputeIsAFlagNotAStatus() {
    PaymentTransition first = PaymentStateMachine.decide(at(SUCCEEDED), event(DISPUTE));
    assertEquals(APPLY, first.decision());
    assertEquals(SUCCEEDED, first.state().status());
    assertTrue(first.state().disputed());
    PaymentTransition again = PaymentStateMachine.decide(first.state(), event(DISPUTE));
    assertEquals(IGNORE_NO_CHANGE, again.decision());
    PaymentTransition refund = PaymentStateMachine.decide(first.state(), refunded(AMOUNT));
    assertEquals(REFUNDED, refund.state().status());
    assertTrue(refund.state().disputed());
  }

  @Test
  void everyDisputeEventSetsTheFlag() {
    for (String type :
        new String[] {
          "charge.dispute.updated", "charge.dispute.closed", "charge.dispute.funds_withdrawn"
        }) {
      PaymentTransition t = PaymentStateMachine.decide(at(SUCCEEDED), event(type));
      assertEquals(APPLY, t.decision(), type);
      assertTrue(t.state().disputed(), type);
      assertEquals(
          NEEDS_FETCH, PaymentStateMachine.decide(at(PENDING), event(type)).decision(), type);
    }
  }

  @Test
  void failedRefundNeedsFetchOtherRefundEventsChangeNothing() {
    assertEquals(
        NEEDS_FETCH, PaymentStateMachine.decide(at(REFUNDED), event("refund.failed")).decision());
    for (String type : new String[] {"refund.created", "refund.updated"}) {
      assertEquals(
          IGNORE_NO_CHANGE,
          PaymentStateMachine.decide(at(PARTIALLY_REFUNDED), event(type)).decision(),
          type);
    }
  }

  @Test
  void refundBeforeSuccessNeedsFetchThenApplies() {
    PaymentState pending = PaymentState.pending(AMOUNT);
    assertEquals(NEEDS_FETCH, PaymentStateMachine.decide(pending, refunded(AMOUNT)).decision());
    PaymentState succeeded = PaymentStateMachine.decide(pending, completed("paid", BEFORE)).state();
    PaymentTransition refund = PaymentStateMachine.decide(succeeded, refunded(AMOUNT));
    assertEquals(APPLY, refund.decision());
    assertEquals(REFUNDED, refund.state().status());
  }

  @Test
  void latePendingNeverOverwritesSucceeded() {
    // Delayed payment method: completed(unpaid) then async success, delivered the other way round.
    PaymentState succeeded =
        PaymentStateMachine.decide(PaymentState.pending(AMOUNT), event(ASYNC_OK, AFTER)).state();
    PaymentTransition late = PaymentStateMachine.decide(succeeded, completed("unpaid", T0));
    assertEquals(IGNORE_STALE, late.decision());
    assertEquals(SUCCEEDED, late.state().status());
  }

  @Test
  void fullRefundBeforePartialRefundKeepsRefunded() {
    PaymentState full = PaymentStateMachine.decide(at(SUCCEEDED), refunded(AMOUNT)).state();
    PaymentTransition partial =
        PaymentStateMachine.decide(full, StripePaymentEvent.chargeRefunded(T0, AMOUNT, 300));
    assertEquals(IGNORE_STALE, partial.decision());
    assertEquals(REFUNDED, partial.state().status());
    assertEquals(AMOUNT, partial.state().amountRefunded());
  }

  @Test
  void appliedOlderEventKeepsNewestEventTime() {
    PaymentState failed = PaymentStateMachine.decide(at(PENDING), event(PI_FAILED, AFTER)).state();
    PaymentTransition success = PaymentStateMachine.decide(failed, completed("paid", BEFORE));
    assertEquals(APPLY, success.decision());
    assertEquals(AFTER, success.state().lastEventAt());
  }

  @Test
  void unknownEventTypeLeavesPaymentAlone() {
    PaymentState current = at(SUCCEEDED);
    PaymentTransition transition =
        PaymentStateMachine.decide(current, event("invoice.paid", AFTER));
    assertEquals(IGNORE_UNKNOWN_TYPE, transition.decision());
    assertSame(current, transition.state());
    assertFalse(transition.state().disputed());
  }

  @Test
  void decisionCodesAreStable() {
    assertEquals("apply", APPLY.code());
    assertEquals("ignore_stale", IGNORE_STALE.code());
    assertEquals("ignore_no_change", IGNORE_NO_CHANGE.code());
    assertEquals("ignore_unknown_type", IGNORE_UNKNOWN_TYPE.code());
    assertEquals("needs_fetch", NEEDS_FETCH.code());
    assertEquals("partially_refunded", PARTIALLY_REFUNDED.code());
  }

  @Test
  void inconsistentStateIsABug() {
    assertThrows(
        IllegalArgumentException.class, () -> new PaymentState(SUCCEEDED, 0, 0, false, T0));
    assertThrows(
        IllegalArgumentException.class, () -> new PaymentState(REFUNDED, 100, 101, false, T0));
    assertThrows(NullPointerException.class, () -> StripePaymentEvent.of(DISPUTE, null));
  }

  @Test
  void handlesExactlyTheTypesDecideDoesNotIgnoreAsUnknown() {
    for (String type :
        Stream.of(
                StripePaymentEvent.CHECKOUT_SESSION_COMPLETED,
                StripePaymentEvent.CHECKOUT_SESSION_ASYNC_PAYMENT_SUCCEEDED,
                StripePaymentEvent.CHECKOUT_SESSION_ASYNC_PAYMENT_FAILED,
                StripePaymentEvent.CHECKOUT_SESSION_EXPIRED,
                StripePaymentEvent.PAYMENT_INTENT_PAYMENT_FAILED,
                StripePaymentEvent.CHARGE_REFUNDED,
                StripePaymentEvent.CHARGE_DISPUTE_CREATED,
                "charge.dispute.closed",
                StripePaymentEvent.REFUND_FAILED,
                "refund.updated",
                "customer.created",
                "payment_intent.succeeded",
                "charge.succeeded",
                "checkout.session.something_new")
            .toList()) {
      for (PaymentStatus status : PaymentStatus.values()) {
        boolean unknown =
            PaymentStateMachine.decide(at(status), event(type, AFTER)).decision()
                == IGNORE_UNKNOWN_TYPE;
        assertEquals(!unknown, PaymentStateMachine.handles(type), type + " from " + status);
      }
    }
    assertTrue(PaymentStateMachine.handles("charge.refunded"));
    assertFalse(PaymentStateMachine.handles("customer.created"));
  }
}
