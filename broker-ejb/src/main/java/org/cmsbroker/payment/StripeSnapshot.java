package org.cmsbroker.payment;

/**
 * What Stripe says about a payment right now, read from its Checkout Session, PaymentIntent and
 * latest charge (fetched when an event leaves doubt, or answered by an expire call). Every field
 * may be null when Stripe did not include the object. Immutable; holds no card data.
 *
 * @param sessionStatus the Checkout Session's {@code status}: {@code open}, {@code complete} or
 *     {@code expired}
 * @param sessionPaymentStatus the session's {@code payment_status}: {@code paid}, {@code unpaid} or
 *     {@code no_payment_required}
 * @param paymentIntentId the PaymentIntent's id
 * @param paymentIntentStatus the PaymentIntent's {@code status}, for example {@code succeeded},
 *     {@code requires_payment_method}, {@code processing} or {@code canceled}
 * @param paymentFailed whether the PaymentIntent's last attempt failed ({@code last_payment_error}
 *     set while it {@code requires_payment_method})
 * @param chargeSucceeded whether the latest charge took the money ({@code status} {@code succeeded}
 *     and {@code paid})
 * @param chargeAmount the latest charge's {@code amount}, or null
 * @param chargeAmountRefunded the latest charge's cumulative {@code amount_refunded}, or null
 * @param chargeDisputed the latest charge's {@code disputed}, or null
 */
public record StripeSnapshot(
    String sessionStatus,
    String sessionPaymentStatus,
    String paymentIntentId,
    String paymentIntentStatus,
    boolean paymentFailed,
    boolean chargeSucceeded,
    Long chargeAmount,
    Long chargeAmountRefunded,
    Boolean chargeDisputed) {

  /** Whether Stripe took the money (later refunds do not change that). */
  public boolean moneyTaken() {
    return chargeSucceeded
        || "succeeded".equals(paymentIntentStatus)
        || "paid".equals(sessionPaymentStatus);
  }
}
