package org.cmsbroker.payment;

import java.time.Instant;
import java.util.Objects;

/**
 * The parts of a verified Stripe event the broker reads (made from Stripe's own typed objects by
 * {@code org.cmsbroker.webhook.StripeEventReader}): the event's {@code id}, {@code type} and {@code
 * created}, and from {@code data.object} its id and kind, the claims it makes about the broker's
 * payment ({@code metadata.broker_payment_id}, {@code client_reference_id}), its amounts and
 * currency, its status and the PaymentIntent it belongs to. Nothing else (no card data, no email)
 * is kept. Immutable.
 *
 * @param objectId {@code data.object.id}, or null
 * @param objectType {@code data.object.object}, for example {@code checkout.session}, or null
 * @param brokerPaymentId {@code data.object.metadata.broker_payment_id}, or null: a claim only
 * @param clientReferenceId {@code data.object.client_reference_id}, or null: a claim only
 * @param paymentStatus a Checkout Session's {@code payment_status}, or null
 * @param amount a charge's, refund's, dispute's or PaymentIntent's {@code amount}, or 0
 * @param amountRefunded a charge's {@code amount_refunded}, or 0
 * @param amountTotal a Checkout Session's {@code amount_total}, or null
 * @param currency the object's {@code currency} (lower case as Stripe sends it), or null
 * @param paymentIntentId the PaymentIntent the object is or belongs to, or null
 * @param status the object's {@code status}, or null
 * @param brokerRefundId {@code data.object.metadata.broker_refund_id} (refunds the broker made), or
 *     null
 * @param unparseable whether {@code data.object} could not be read (then every field above is null
 *     or 0)
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
    Long amountTotal,
    String currency,
    String paymentIntentId,
    String status,
    String brokerRefundId,
    boolean unparseable) {
  /** The metadata key naming the broker's payment. */
  public static final String PAYMENT_ID_METADATA = "broker_payment_id";

  /** The metadata key naming the broker's refund. */
  public static final String REFUND_ID_METADATA = "broker_refund_id";

  public StripeWebhookEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(created, "created");
  }
}
