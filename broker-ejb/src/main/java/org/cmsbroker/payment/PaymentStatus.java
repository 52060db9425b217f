package org.cmsbroker.payment;

/**
 * Where a payment stands. A payment starts {@link #PENDING}; Stripe's events move it forward only
 * (see {@link PaymentStateMachine}). A dispute is not a status: it is a flag on {@link
 * PaymentState}.
 */
public enum PaymentStatus {
  /** Created; the donor has not (yet) paid. */
  PENDING("pending", 0),
  /** A payment attempt failed (Checkout may still let the donor retry and succeed). */
  FAILED("failed", 1),
  /** The Checkout Session expired without payment. */
  EXPIRED("expired", 1),
  /** The money was taken. */
  SUCCEEDED("succeeded", 2),
  /** Some, not all, of the money was given back. */
  PARTIALLY_REFUNDED("partially_refunded", 3),
  /** All of the money was given back. */
  REFUNDED("refunded", 4);

  private final String code;
  private final int rank;

  PaymentStatus(String code, int rank) {
    this.code = code;
    this.rank = rank;
  }

  /** The stable lower-case wire form, for example {@code partially_refunded}. */
  public String code() {
    return code;
  }

  /**
   * How far along the payment is: a status never gives way to one of lower rank. FAILED and EXPIRED
   * share a rank (both "closed without money"); the newer event decides between them.
   */
  int rank() {
    return rank;
  }
}
