package org.cmsbroker.payment;

import java.time.Instant;
import java.util.Objects;

/**
 * The parts of a verified Stripe event that the {@link PaymentStateMachine} reads. Immutable.
 *
 * @param type the event's {@code type}, for example {@code checkout.session.completed}; not null
 * @param created the event's {@code created} time; not null
 * @param checkoutPaymentStatus for {@code checkout.session.completed}: the session's {@code
 *     payment_status} ({@code paid}, {@code unpaid}, {@code no_payment_required}); else null
 * @param chargeAmount for {@code charge.refunded}: the charge's {@code amount}; else 0
 * @param chargeAmountRefunded for {@code charge.refunded}: the charge's cumulative {@code
 *     amount_refunded}; else 0
 */
public record StripePaymentEvent(
    String type,
    Instant created,
    String checkoutPaymentStatus,
    long chargeAmount,
    long chargeAmountRefunded) {

  public static final String CHECKOUT_SESSION_COMPLETED = "checkout.session.completed";
  public static final String CHECKOUT_SESSION_ASYNC_PAYMENT_SUCCEEDED =
      "checkout.session.async_payment_succeeded";
  public static final String CHECKOUT_SESSION_ASYNC_PAYMENT_FAILED =
      "checkout.session.async_payment_failed";
  public static final String CHECKOUT_SESSION_EXPIRED = "checkout.session.expired";
  public static final String PAYMENT_INTENT_PAYMENT_FAILED = "payment_intent.payment_failed";
  public static final String CHARGE_REFUNDED = "charge.refunded";
  public static final String CHARGE_DISPUTE_CREATED = "charge.dispute.created";
  public static final String CHARGE_DISPUTE_PREFIX = "charge.dispute.";
  public static final String REFUND_FAILED = "refund.failed";
  public static final String REFUND_PREFIX = "refund.";

  public StripePaymentEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(created, "created");
  }

  /** An event whose type alone matters. */
  public static StripePaymentEvent of(String type, Instant created) {
    return new StripePaymentEvent(type, created, null, 0, 0);
  }

  /** {@code checkout.session.completed} with the session's {@code payment_status}. */
  public static StripePaymentEvent checkoutSessionCompleted(Instant created, String paymentStatus) {
    return new StripePaymentEvent(CHECKOUT_SESSION_COMPLETED, created, paymentStatus, 0, 0);
  }

  /** {@code charge.refunded} with the charge's {@code amount} and {@code amount_refunded}. */
  public static StripePaymentEvent chargeRefunded(
      Instant created, long amount, long amountRefunded) {
    return new StripePaymentEvent(CHARGE_REFUNDED, created, null, amount, amountRefunded);
  }
}
