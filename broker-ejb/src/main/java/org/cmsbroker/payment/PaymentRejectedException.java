package org.cmsbroker.payment;

import java.util.Objects;

/**
 * A payment request was refused. The {@link Reason} says why; the message is the reason's fixed
 * text and never repeats a submitted value (which may hold personal data or a card number).
 */
public class PaymentRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a payment request was refused, each with a stable code and a fixed message. */
  public enum Reason {
    CARD_NUMBER_IN_REQUEST(
        "card_number_in_request",
        "A field looks like it holds a card number; card details are entered on Stripe's page"
            + " only."),
    INVALID_MODE("invalid_mode", "The mode is redirect or embedded."),
    INVALID_CURRENCY("invalid_currency", "The currency is a three-letter ISO 4217 code."),
    UNSUPPORTED_CURRENCY("unsupported_currency", "The currency is not accepted by this broker."),
    INVALID_AMOUNT("invalid_amount", "The amount is a positive whole number of minor units."),
    AMOUNT_TOO_SMALL("amount_too_small", "The amount is below the minimum for this currency."),
    AMOUNT_TOO_LARGE("amount_too_large", "The amount is above the maximum for this currency."),
    MISSING_DESCRIPTION("missing_description", "A description is required."),
    DESCRIPTION_TOO_LONG(
        "description_too_long",
        "The description is at most " + PaymentRules.MAX_DESCRIPTION + " characters."),
    DESCRIPTION_HAS_CONTROL_CHARACTERS(
        "description_has_control_characters",
        "The description must not contain control or formatting characters."),
    MISSING_REFERENCE("missing_reference", "A reference is required."),
    REFERENCE_TOO_LONG(
        "reference_too_long",
        "The reference is at most " + PaymentRules.MAX_REFERENCE + " characters."),
    REFERENCE_HAS_CONTROL_CHARACTERS(
        "reference_has_control_characters",
        "The reference must not contain control or formatting characters."),
    INVALID_DONOR_EMAIL("invalid_donor_email", "The donor email address is not valid."),
    MISSING_RETURN_URL("missing_return_url", "A return URL is required."),
    INVALID_RETURN_URL("invalid_return_url", "The return URL must be an absolute URL with a host."),
    RETURN_URL_NOT_HTTPS(
        "return_url_not_https",
        "The return URL must use https (http only on localhost, 127.0.0.1 or [::1])."),
    RETURN_URL_FOREIGN_ORIGIN(
        "return_url_foreign_origin",
        "The return URL's origin is not one of the client's registered web origins."),
    MISSING_CANCEL_URL("missing_cancel_url", "A cancel URL is required in redirect mode."),
    INVALID_CANCEL_URL("invalid_cancel_url", "The cancel URL must be an absolute URL with a host."),
    CANCEL_URL_NOT_HTTPS(
        "cancel_url_not_https",
        "The cancel URL must use https (http only on localhost, 127.0.0.1 or [::1])."),
    CANCEL_URL_FOREIGN_ORIGIN(
        "cancel_url_foreign_origin",
        "The cancel URL's origin is not one of the client's registered web origins."),
    INVALID_REFUND_AMOUNT(
        "invalid_refund_amount",
        "The refund amount is a positive whole number of minor units, or absent for all that is"
            + " left."),
    AMOUNT_EXCEEDS_REFUNDABLE(
        "amount_exceeds_refundable",
        "The refund amount is more than is left to refund (the amount less what was refunded and"
            + " less refunds still pending)."),
    INVALID_REFUND_REASON(
        "invalid_refund_reason",
        "The refund reason is duplicate, fraudulent or requested_by_customer."),
    INVALID_IDEMPOTENCY_KEY(
        "invalid_idempotency_key",
        "An Idempotency-Key header of 1 to 255 printable ASCII characters is required.");

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
  private final Long refundable;

  public PaymentRejectedException(Reason reason) {
    this(reason, null);
  }

  /** A refusal that says how much is refundable ({@link Reason#AMOUNT_EXCEEDS_REFUNDABLE}). */
  public PaymentRejectedException(Reason reason, Long refundable) {
    super(Objects.requireNonNull(reason, "reason").message(), null, false, false);
    this.reason = reason;
    this.refundable = refundable;
  }

  public Reason reason() {
    return reason;
  }

  /** How much is left to refund, in minor units, when the refusal is about that; else null. */
  public Long refundable() {
    return refundable;
  }
}
