package org.cmsbroker.payment;

import java.util.Objects;

/**
 * The payment's state does not allow what was asked (cancel a paid payment, refund an unpaid one),
 * or Stripe refused the operation. The message is fixed text plus the payment's status code (and
 * Stripe's error code, when it gave one); it never holds submitted values.
 */
public class PaymentConflictException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the operation conflicts, each with a stable code. */
  public enum Reason {
    NOT_CANCELLABLE("payment_not_cancellable", "Only a pending payment can be cancelled"),
    NOT_REFUNDABLE(
        "payment_not_refundable", "Only a succeeded or partially refunded payment can be refunded"),
    NOTHING_REFUNDABLE(
        "nothing_refundable",
        "Nothing is left to refund: the payment is refunded or its refunds are still pending"),
    REFUND_REFUSED("refund_refused", "Stripe refused the refund");

    private final String code;
    private final String message;

    Reason(String code, String message) {
      this.code = code;
      this.message = message;
    }

    /** The stable lower-case code, the {@code error} of the API's answer. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;
  private final PaymentStatus status;

  /**
   * @param status the payment's current status, named in the message; not null
   * @param stripeCode Stripe's error code (for example {@code charge_already_refunded}), or null
   */
  public PaymentConflictException(Reason reason, PaymentStatus status, String stripeCode) {
    super(message(reason, status, stripeCode), null, false, false);
    this.reason = reason;
    this.status = status;
  }

  private static String message(Reason reason, PaymentStatus status, String stripeCode) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(status, "status");
    String code =
        stripeCode != null && stripeCode.matches("[a-z0-9_]{1,64}")
            ? " (Stripe error code " + stripeCode + ")"
            : "";
    return reason.message + code + "; this payment is " + status.code() + ".";
  }

  public Reason reason() {
    return reason;
  }

  /** The payment's status when the conflict was found. */
  public PaymentStatus status() {
    return status;
  }
}
