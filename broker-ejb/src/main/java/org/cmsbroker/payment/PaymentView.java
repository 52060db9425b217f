package org.cmsbroker.payment;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored payment as its client and the rest of the broker see it. Immutable.
 *
 * @param id the broker's payment id, {@code pay_...}
 * @param clientId the client that created it
 * @param reference the client's own reference
 * @param amount the amount in minor units
 * @param currency the lower-case ISO 4217 code
 * @param description the description shown on Stripe's page
 * @param donorEmail the donor's email address (decrypted), or null
 * @param returnUrl where the donor goes after paying
 * @param cancelUrl where the donor goes after cancelling, or null
 * @param mode redirect or embedded
 * @param status where the payment stands
 * @param amountRefunded the total refunded so far, in minor units
 * @param disputed whether a dispute was opened
 * @param checkoutSessionId Stripe's Checkout Session id, or null while none was created
 * @param paymentIntentId Stripe's PaymentIntent id (the transaction id), or null while unknown
 * @param checkoutUrl Stripe's hosted Checkout page (redirect mode), or null
 * @param expiresAt when the Checkout Session expires, or null while none was created
 * @param createdAt when the client asked for it
 * @param updatedAt when it last changed
 */
public record PaymentView(
    String id,
    String clientId,
    String reference,
    long amount,
    String currency,
    String description,
    String donorEmail,
    URI returnUrl,
    URI cancelUrl,
    PaymentMode mode,
    PaymentStatus status,
    long amountRefunded,
    boolean disputed,
    String checkoutSessionId,
    String paymentIntentId,
    URI checkoutUrl,
    Instant expiresAt,
    Instant createdAt,
    Instant updatedAt) {

  public PaymentView {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(status, "status");
  }
}
