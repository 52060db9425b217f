package org.cmsbroker.payment;

import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Set;
import org.cmsbroker.persistence.DataClass;

/**
 * A refund at rest (table {@code payment_refund}). Mutable JPA state; clients see {@link
 * RefundView}.
 */
@Entity
@Table(name = "payment_refund")
public class PaymentRefund {
  /** Stripe's refund statuses, stored as they are. */
  static final Set<String> STATUSES =
      Set.of("pending", "requires_action", "succeeded", "failed", "canceled");

  /** Statuses of a refund whose money may still leave: counted against what is refundable. */
  static final Set<String> OPEN = Set.of("pending", "requires_action");

  /** The status of a refund whose money has left. */
  static final Set<String> SUCCEEDED = Set.of("succeeded");

  @DataClass(RESTRICTED)
  @Id
  @Column(length = 40)
  private String id;

  @DataClass(RESTRICTED)
  @Column(name = "payment_id", nullable = false, length = 40)
  private String paymentId;

  @DataClass(RESTRICTED)
  @Column(name = "client_id", nullable = false, length = 128)
  private String clientId;

  @DataClass(RESTRICTED)
  @Column(nullable = false)
  private long amount;

  /** One of Stripe's reason codes. */
  @DataClass(RESTRICTED)
  @Column(length = 32)
  private String reason;

  @DataClass(RESTRICTED)
  @Column(name = "stripe_refund_id", length = 255)
  private String stripeRefundId;

  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 24)
  private String status;

  @DataClass(RESTRICTED)
  @Column(name = "idempotency_key", nullable = false, length = 255)
  private String idempotencyKey;

  @DataClass(RESTRICTED)
  @Column(name = "request_sha256", nullable = false, length = 64)
  private String requestSha256;

  @DataClass(RESTRICTED)
  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @DataClass(RESTRICTED)
  @Column(name = "updated_at", nullable = false)
  private OffsetDateTime updatedAt;

  protected PaymentRefund() {}

  PaymentRefund(
      String id,
      String paymentId,
      String clientId,
      long amount,
      String reason,
      String idempotencyKey,
      String requestSha256,
      OffsetDateTime now) {
    this.id = id;
    this.paymentId = paymentId;
    this.clientId = clientId;
    this.amount = amount;
    this.reason = reason;
    this.status = "pending";
    this.idempotencyKey = idempotencyKey;
    this.requestSha256 = requestSha256;
    this.createdAt = now;
    this.updatedAt = now;
  }

  /** Records Stripe's refund id (the first time) and its status, when it is one Stripe defines. */
  void stripeSays(String stripeRefundId, String status, OffsetDateTime now) {
    if (this.stripeRefundId == null && stripeRefundId != null) {
      this.stripeRefundId = stripeRefundId;
    }
    // Events come in any order: a refund never goes back to open, and failed or canceled is final.
    if (status != null && STATUSES.contains(status) && rank(status) >= rank(this.status)) {
      this.status = status;
    }
    this.updatedAt = now;
  }

  private static int rank(String status) {
    return switch (status) {
      case "pending", "requires_action" -> 0;
      case "succeeded" -> 1;
      default -> 2;
    };
  }

  RefundView view() {
    return new RefundView(id, paymentId, amount, reason, status, createdAt.toInstant());
  }

  String id() {
    return id;
  }

  String paymentId() {
    return paymentId;
  }

  String clientId() {
    return clientId;
  }

  long amount() {
    return amount;
  }

  String reason() {
    return reason;
  }

  String stripeRefundId() {
    return stripeRefundId;
  }

  String status() {
    return status;
  }

  String requestSha256() {
    return requestSha256;
  }
}
