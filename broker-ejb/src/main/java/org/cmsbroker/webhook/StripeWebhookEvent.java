package org.cmsbroker.webhook;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import org.cmsbroker.json.StrictJson;

/**
 * The parts of a verified Stripe event the broker reads: the event's {@code id}, {@code type} and
 * {@code created}, and from {@code data.object} its id, {@code metadata.broker_payment_id}, {@code
 * client_reference_id}, {@code payment_status}, {@code amount}, {@code amount_refunded}, {@code
 * status} and the PaymentIntent it belongs to. Nothing else (no card data, no email) is kept.
 * Immutable.
 *
 * @param objectId {@code data.object.id}, or null
 * @param objectType {@code data.object.object}, for example {@code checkout.session}, or null
 * @param brokerPaymentId {@code data.object.metadata.broker_payment_id}, or null
 * @param clientReferenceId {@code data.object.client_reference_id}, or null
 * @param paymentStatus {@code data.object.payment_status}, or null
 * @param amount {@code data.object.amount}, or 0
 * @param amountRefunded {@code data.object.amount_refunded}, or 0
 * @param paymentIntentId the PaymentIntent the object is or belongs to: {@code data.object.id} of a
 *     {@code payment_intent}, else {@code data.object.payment_intent} (Checkout Sessions, charges,
 *     refunds, disputes), or null
 * @param status {@code data.object.status} (for example a refund's {@code succeeded}), or null
 * @param brokerRefundId {@code data.object.metadata.broker_refund_id} (refunds the broker made), or
 *     null
 */
public record StripeWebhookEvent(
    String id,
    String type,
    Instant created,
    String objectId,
    String objectType,
    String brokerPaymentId,
    String clientReferenceId,
    String paymentStatus,
    long amount,
    long amountRefunded,
    String paymentIntentId,
    String status,
    String brokerRefundId) {

  /** The longest accepted event id and type. */
  static final int MAX_ID = 255;

  static final int MAX_TYPE = 100;

  /** The metadata key naming the broker's payment. */
  public static final String PAYMENT_ID_METADATA = "broker_payment_id";

  /** The metadata key naming the broker's refund. */
  public static final String REFUND_ID_METADATA = "broker_refund_id";

  public StripeWebhookEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(created, "created");
  }

  /** The body was not a Stripe event; the message names what was wrong, never the content. */
  public static final class MalformedEventException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedEventException(String message) {
      super(message);
    }
  }

  /**
   * Parses a verified body.
   *
   * @throws MalformedEventException if it is not a JSON object with a string {@code id} and {@code
   *     type}, a numeric {@code created} and an object {@code data.object}
   */
  public static StripeWebhookEvent parse(byte[] body) throws MalformedEventException {
    JsonObject event = strictObject(body);
    String id = string(event, "id");
    String type = string(event, "type");
    if (id == null || id.isEmpty() || id.length() > MAX_ID) {
      throw new MalformedEventException("The event has no usable id.");
    }
    if (type == null || type.isEmpty() || type.length() > MAX_TYPE) {
      throw new MalformedEventException("The event has no usable type.");
    }
    Long createdSeconds = integer(event.get("created"));
    if (createdSeconds == null) {
      throw new MalformedEventException("The event has no created time.");
    }
    Instant createdAt;
    try {
      createdAt = Instant.ofEpochSecond(createdSeconds);
    } catch (java.time.DateTimeException e) {
      throw new MalformedEventException("The event has no created time.");
    }
    JsonElement data = event.get("data");
    if (data == null || !data.isJsonObject()) {
      throw new MalformedEventException("The event has no data object.");
    }
    JsonElement object = data.getAsJsonObject().get("object");
    if (object == null || !object.isJsonObject()) {
      throw new MalformedEventException("The event has no data object.");
    }
    JsonObject o = object.getAsJsonObject();
    JsonElement metadata = o.get("metadata");
    JsonObject meta =
        metadata != null && metadata.isJsonObject() ? metadata.getAsJsonObject() : null;
    String brokerPaymentId = meta == null ? null : string(meta, PAYMENT_ID_METADATA);
    String brokerRefundId = meta == null ? null : string(meta, REFUND_ID_METADATA);
    String objectType = string(o, "object");
    String paymentIntentId =
        "payment_intent".equals(objectType) ? string(o, "id") : string(o, "payment_intent");
    return new StripeWebhookEvent(
        id,
        type,
        createdAt,
        string(o, "id"),
        objectType,
        brokerPaymentId,
        string(o, "client_reference_id"),
        string(o, "payment_status"),
        amount(o, "amount"),
        amount(o, "amount_refunded"),
        paymentIntentId,
        string(o, "status"),
        brokerRefundId);
  }

  /** Strict UTF-8, strict JSON (no lenient syntax), one object and nothing after it. */
  private static JsonObject strictObject(byte[] body) throws MalformedEventException {
    JsonElement element;
    try {
      element = StrictJson.parse(body);
    } catch (StrictJson.InvalidJsonException e) {
      throw new MalformedEventException(
          e.problem() == StrictJson.Problem.NOT_UTF8
              ? "The event is not UTF-8."
              : "The event is not valid JSON.");
    }
    if (!element.isJsonObject()) {
      throw new MalformedEventException("The event is not a JSON object.");
    }
    return element.getAsJsonObject();
  }

  private static String string(JsonObject o, String name) {
    JsonElement v = o.get(name);
    return v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()
        ? v.getAsString()
        : null;
  }

  /** The integer value, null when absent, JSON null, or not an integral number in long range. */
  private static Long integer(JsonElement v) {
    if (v == null || !v.isJsonPrimitive() || !((JsonPrimitive) v).isNumber()) {
      return null;
    }
    try {
      return new BigDecimal(v.getAsString()).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  private static long amount(JsonObject o, String name) throws MalformedEventException {
    JsonElement v = o.get(name);
    if (v == null || v.isJsonNull()) {
      return 0;
    }
    Long value = integer(v);
    if (value == null) {
      throw new MalformedEventException("The event's " + name + " is not an integer.");
    }
    if (value < 0) {
      throw new MalformedEventException("The event's " + name + " is negative.");
    }
    return value;
  }
}
