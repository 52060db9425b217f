package org.cmsbroker.payment;

/**
 * The client reused an {@code Idempotency-Key} with a different request. Nothing was stored or sent
 * to Stripe. The message is fixed.
 */
public class IdempotencyConflictException extends Exception {
  private static final long serialVersionUID = 1L;

  public IdempotencyConflictException() {
    super(
        "This Idempotency-Key was already used with a different request; use a new key for a new"
            + " payment.",
        null,
        false,
        false);
  }
}
