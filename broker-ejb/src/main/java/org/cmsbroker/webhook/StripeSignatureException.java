package org.cmsbroker.webhook;

import java.util.Objects;

/**
 * A Stripe webhook request was refused before its body was believed (or, for {@link
 * Reason#MALFORMED_EVENT}, its signed body is not an event). The {@link Reason} says at which step;
 * the message is the reason's fixed text and never carries the header, the body, a secret or a
 * cause.
 */
public class StripeSignatureException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a webhook request was refused, each with a stable code and a fixed message. */
  public enum Reason {
    BODY_TOO_LARGE("body_too_large", "The webhook body is too large."),
    MISSING_HEADER("missing_signature_header", "The Stripe-Signature header is missing."),
    MALFORMED_HEADER("malformed_signature_header", "The Stripe-Signature header is malformed."),
    NO_V1_SIGNATURE(
        "no_v1_signature", "The Stripe-Signature header carries no v1 (HMAC-SHA256) signature."),
    NO_MATCHING_SIGNATURE(
        "no_matching_signature", "No signature in the Stripe-Signature header matches the body."),
    TIMESTAMP_OUTSIDE_TOLERANCE(
        "timestamp_outside_tolerance",
        "The Stripe-Signature timestamp is outside the tolerated window."),
    MALFORMED_EVENT("malformed_event", "The signed body is not a well-formed Stripe event.");

    private final String code;
    private final String message;

    Reason(String code, String message) {
      this.code = code;
      this.message = message;
    }

    /** A stable lower-case code for responses, logs and audit events. */
    public String code() {
      return code;
    }

    /** The fixed message. */
    public String message() {
      return message;
    }
  }

  private final Reason reason;

  public StripeSignatureException(Reason reason) {
    super(Objects.requireNonNull(reason, "reason").message(), null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
