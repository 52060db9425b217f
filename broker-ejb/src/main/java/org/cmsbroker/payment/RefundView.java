package org.cmsbroker.payment;

import java.time.Instant;
import java.util.Objects;

/**
 * A refund the broker asked Stripe for, as its client sees it. Immutable.
 *
 * @param id the broker's refund id, {@code rfd_...}
 * @param paymentId the refunded payment
 * @param amount the refunded amount in the payment's minor units
 * @param reason Stripe's refund reason, or null
 * @param status Stripe's refund status: {@code pending} (also while Stripe has not answered),
 *     {@code requires_action}, {@code succeeded}, {@code failed} or {@code canceled}
 * @param createdAt when the client asked for it
 */
public record RefundView(
    String id, String paymentId, long amount, String reason, String status, Instant createdAt) {

  public RefundView {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(paymentId, "paymentId");
    Objects.requireNonNull(status, "status");
  }
}
