package org.cmsbroker.payment;

import jakarta.ejb.LocalBean;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.payment.PaymentConflictException.Reason;

/** Refunds in the database. Each public call is its own transaction (or joins the caller's). */
@Stateless
@LocalBean
public class JpaRefundStore {
  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject SecurityEvents events;

  /**
   * The security event type of a refund stored (before Stripe is asked), in the same transaction.
   */
  public static final String REQUESTED_EVENT = "payment.refund_requested";

  /** The client's refund made with {@code idempotencyKey}, if any. */
  public Optional<PaymentRefund> findByIdempotencyKey(String clientId, String idempotencyKey) {
    return em
        .createQuery(
            "SELECT r FROM PaymentRefund r WHERE r.clientId = :client AND r.idempotencyKey = :key",
            PaymentRefund.class)
        .setParameter("client", clientId)
        .setParameter("key", idempotencyKey)
        .getResultList()
        .stream()
        .findFirst();
  }

  /**
   * Stores a new refund of the client's payment, checked against the payment under a row lock so
   * that two concurrent refunds cannot together exceed it: the payment must have succeeded (or be
   * partially refunded), and the amount (null: all that is left) must fit what is refundable: the
   * amount, less what is refunded (Stripe's {@code amount_refunded}, or the broker's succeeded
   * refunds when their events are still on the way), less the broker's refunds still open. Stripe
   * itself refuses anything beyond the charge.
   *
   * <p>The refund is recorded as the security event {@value #REQUESTED_EVENT} in the same
   * transaction.
   *
   * @param remoteIp the address the client's request came from, or null
   * @throws UnknownPaymentException if the payment is not the client's
   * @throws PaymentConflictException if the payment cannot be refunded or nothing is left
   * @throws PaymentRejectedException if the amount is more than is refundable
   */
  public PaymentRefund reserve(
      String id,
      String clientId,
      String paymentId,
      RefundRequest request,
      String idempotencyKey,
      String requestSha256,
      OffsetDateTime now,
      String remoteIp)
      throws UnknownPaymentException, PaymentConflictException, PaymentRejectedException {
    Payment payment = em.find(Payment.class, paymentId, LockModeType.PESSIMISTIC_WRITE);
    if (payment == null || !payment.clientId().equals(clientId)) {
      throw new UnknownPaymentException();
    }
    PaymentStatus status = PaymentService.status(payment.status());
    if (status != PaymentStatus.SUCCEEDED && status != PaymentStatus.PARTIALLY_REFUNDED) {
      throw new PaymentConflictException(Reason.NOT_REFUNDABLE, status, null);
    }
    // Stripe's events may not have reported the broker's own succeeded refunds yet.
    long refunded = Math.max(payment.amountRefunded(), sum(paymentId, PaymentRefund.SUCCEEDED));
    long refundable = payment.amount() - refunded - sum(paymentId, PaymentRefund.OPEN);
    if (refundable <= 0) {
      throw new PaymentConflictException(Reason.NOTHING_REFUNDABLE, status, null);
    }
    long amount = request.amount() == null ? refundable : request.amount();
    if (amount > refundable) {
      throw new PaymentRejectedException(
          PaymentRejectedException.Reason.AMOUNT_EXCEEDS_REFUNDABLE, refundable);
    }
    PaymentRefund refund =
        new PaymentRefund(
            id, paymentId, clientId, amount, request.reason(), idempotencyKey, requestSha256, now);
    em.persist(refund);
    em.flush();
    events.recordWithCaller(
        REQUESTED_EVENT,
        SecurityEvents.Outcome.SUCCESS,
        paymentId,
        clientId,
        remoteIp,
        "refund="
            + id
            + " amount="
            + amount
            + (request.reason() == null ? "" : " reason=" + request.reason()));
    return refund;
  }

  private long sum(String paymentId, Set<String> statuses) {
    Long sum =
        em.createQuery(
                "SELECT SUM(r.amount) FROM PaymentRefund r WHERE r.paymentId = :payment"
                    + " AND r.status IN :statuses",
                Long.class)
            .setParameter("payment", paymentId)
            .setParameter("statuses", statuses)
            .getSingleResult();
    return sum == null ? 0 : sum;
  }

  /** Records Stripe's answer for refund {@code id}; returns the updated refund. */
  public PaymentRefund stripeSays(
      String id, String stripeRefundId, String status, OffsetDateTime now) {
    PaymentRefund refund = em.find(PaymentRefund.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (refund == null) {
      throw new IllegalStateException("refund " + id + " vanished");
    }
    refund.stripeSays(stripeRefundId, status, now);
    return refund;
  }

  /** Removes refund {@code id}, which Stripe refused, so that it holds no amount. */
  public void remove(String id) {
    PaymentRefund refund = em.find(PaymentRefund.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (refund != null && refund.stripeRefundId() == null) {
      em.remove(refund);
    }
  }

  /** The payment's refunds, oldest first. */
  public List<PaymentRefund> list(String paymentId) {
    return em.createQuery(
            "SELECT r FROM PaymentRefund r WHERE r.paymentId = :payment"
                + " ORDER BY r.createdAt, r.id",
            PaymentRefund.class)
        .setParameter("payment", paymentId)
        .setMaxResults(100)
        .getResultList();
  }

  /**
   * Follows a {@code refund.*} (or {@code charge.refund.updated}) event: the broker's refund named
   * by Stripe's refund id, else by {@code metadata.broker_refund_id}, takes the event's status.
   * Other events and refunds the broker did not make change nothing.
   */
  public void updateFromEvent(StripeWebhookEvent event, OffsetDateTime now) {
    if (!"refund".equals(event.objectType()) || event.objectId() == null) {
      return;
    }
    PaymentRefund refund =
        em
            .createQuery(
                "SELECT r FROM PaymentRefund r WHERE r.stripeRefundId = :stripe",
                PaymentRefund.class)
            .setParameter("stripe", event.objectId())
            .setLockMode(LockModeType.PESSIMISTIC_WRITE)
            .getResultList()
            .stream()
            .findFirst()
            .orElse(null);
    if (refund == null && event.brokerRefundId() != null && event.brokerRefundId().length() <= 40) {
      refund = em.find(PaymentRefund.class, event.brokerRefundId(), LockModeType.PESSIMISTIC_WRITE);
      if (refund != null
          && refund.stripeRefundId() != null
          && !refund.stripeRefundId().equals(event.objectId())) {
        refund = null;
      }
    }
    if (refund != null) {
      refund.stripeSays(event.objectId(), event.status(), now);
    }
  }
}
