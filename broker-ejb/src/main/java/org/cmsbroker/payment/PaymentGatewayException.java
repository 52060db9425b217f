package org.cmsbroker.payment;

/**
 * Stripe did not do what was asked (unreachable, failed, or refused to create a Checkout Session).
 * A payment or refund stays as it was stored; repeating the request with the same {@code
 * Idempotency-Key} tries again. The message is fixed and holds nothing from Stripe's answer.
 */
public class PaymentGatewayException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The message when no Idempotency-Key is involved. */
  public static final String UNAVAILABLE =
      "The payment provider did not answer as expected; try again later.";

  public PaymentGatewayException() {
    this("The payment provider did not answer as expected; retry with the same Idempotency-Key.");
  }

  /** With one of the fixed messages of this class. */
  public PaymentGatewayException(String message) {
    super(message, null, false, false);
  }
}
