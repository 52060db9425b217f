package org.cmsbroker.payment;

/**
 * A refund as a client asks for it, unchecked. Immutable. Never log it.
 *
 * @param amount the amount to refund in the payment's minor units, or null for all that is left
 * @param reason one of Stripe's refund reasons ({@code duplicate}, {@code fraudulent}, {@code
 *     requested_by_customer}), or null
 */
public record RefundRequest(Long amount, String reason) {}
