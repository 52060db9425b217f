package org.cmsbroker.payment;

/**
 * Stripe did not create the Checkout Session (unreachable, or it refused). The payment stays
 * pending without a session; repeating the request with the same {@code Idempotency-Key} tries
 * again. The message is fixed and holds nothing from Stripe's answer.
 */
public class PaymentGatewayException extends Exception {
  private static final long serialVersionUID = 1L;

  public PaymentGatewayException() {
    super(
        "The payment provider did not answer as expected; retry with the same Idempotency-Key.",
        null,
        false,
        false);
  }
}
