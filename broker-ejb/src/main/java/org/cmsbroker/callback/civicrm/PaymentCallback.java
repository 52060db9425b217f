package org.cmsbroker.callback.civicrm;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The parts of the broker's generic payment callback ({@code StripeWebhookService.payload}) that
 * the CiviCRM adapter reads. Immutable.
 *
 * @param status the payment's status now: pending, succeeded, failed, expired, partially_refunded
 *     or refunded
 * @param reference the CMS's reference, for CiviCRM the contribution id (not yet checked)
 * @param transactionId Stripe's transaction id ({@code transaction_id}), or the broker's payment id
 *     when the message carries none; the CiviCRM {@code trxn_id} of the payment
 * @param amount the amount in minor units of {@code currency}
 * @param currency the lower-case ISO 4217 code
 * @param amountRefunded how much has been refunded so far, in minor units (cumulative)
 * @param disputed whether the payment has been disputed
 * @param occurredAt when what the message reports happened ({@code occurred_at}), or null for a
 *     message queued before messages carried it
 */
record PaymentCallback(
    String status,
    String reference,
    String transactionId,
    long amount,
    String currency,
    long amountRefunded,
    boolean disputed,
    Instant occurredAt) {

  /**
   * Stripe ids ({@code pi_...}) and broker payment ids ({@code pay_} + base64url) are of this form;
   * safe as a CiviCRM {@code trxn_id} (255 characters) with a refund suffix, and in a LIKE pattern.
   */
  private static final Pattern TRANSACTION_ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");

  private static final Pattern CURRENCY = Pattern.compile("[a-z]{3}");

  /** The payload cannot be read; the message names the field, never its value. */
  static final class UnusablePayloadException extends Exception {
    private static final long serialVersionUID = 1L;

    UnusablePayloadException(String message) {
      super(message);
    }
  }

  /**
   * Reads a callback payload.
   *
   * @throws UnusablePayloadException if it is not a JSON object with the fields above
   */
  static PaymentCallback parse(String payload) throws UnusablePayloadException {
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(payload);
      if (!e.isJsonObject()) {
        throw new UnusablePayloadException("the payload is not a JSON object");
      }
      o = e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new UnusablePayloadException("the payload is not JSON");
    }
    String status = string(o, "status", true);
    String reference = string(o, "reference", true);
    String transactionId = string(o, "transaction_id", false);
    if (transactionId == null || transactionId.isEmpty()) {
      transactionId = string(o, "payment_id", true);
    }
    if (!TRANSACTION_ID.matcher(transactionId).matches()) {
      throw new UnusablePayloadException("the payload's transaction id has unexpected characters");
    }
    String currency = string(o, "currency", true);
    if (!CURRENCY.matcher(currency).matches()) {
      throw new UnusablePayloadException("the payload's currency is not a lower-case ISO code");
    }
    long amount = amount(o, "amount");
    long refunded = amount(o, "amount_refunded");
    if (refunded > amount) {
      throw new UnusablePayloadException("the payload's amount_refunded exceeds its amount");
    }
    JsonElement disputed = o.get("disputed");
    boolean isDisputed =
        disputed != null
            && disputed.isJsonPrimitive()
            && disputed.getAsJsonPrimitive().isBoolean()
            && disputed.getAsBoolean();
    String occurred = string(o, "occurred_at", false);
    Instant occurredAt;
    try {
      occurredAt = occurred == null ? null : Instant.parse(occurred);
    } catch (DateTimeParseException e) {
      throw new UnusablePayloadException("the payload's occurred_at is not an RFC 3339 UTC time");
    }
    return new PaymentCallback(
        status, reference, transactionId, amount, currency, refunded, isDisputed, occurredAt);
  }

  private static String string(JsonObject o, String name, boolean required)
      throws UnusablePayloadException {
    JsonElement v = o.get(name);
    if (v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) {
      return v.getAsString();
    }
    if (required || (v != null && !v.isJsonNull())) {
      throw new UnusablePayloadException("the payload has no string " + name);
    }
    return null;
  }

  private static long amount(JsonObject o, String name) throws UnusablePayloadException {
    JsonElement v = o.get(name);
    if (v == null || !v.isJsonPrimitive() || !((JsonPrimitive) v).isNumber()) {
      throw new UnusablePayloadException("the payload has no numeric " + name);
    }
    try {
      long value = new BigDecimal(v.getAsString()).longValueExact();
      if (value < 0) {
        throw new UnusablePayloadException("the payload's " + name + " is negative");
      }
      return value;
    } catch (ArithmeticException | NumberFormatException e) {
      throw new UnusablePayloadException("the payload's " + name + " is not an integer");
    }
  }
}
