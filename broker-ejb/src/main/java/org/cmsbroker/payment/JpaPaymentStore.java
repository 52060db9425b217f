package org.cmsbroker.payment;

import jakarta.ejb.LocalBean;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.cmsbroker.audit.SecurityEvents;

/** Payments in the database. Each call is its own transaction. */
@Stateless
@LocalBean
public class JpaPaymentStore {
  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject SecurityEvents events;

  /** The security event type of a payment made, recorded in the transaction that stores it. */
  public static final String CREATED_EVENT = "payment.created";

  /**
   * Stores a new payment, with the security event {@value #CREATED_EVENT}, and flushes, so that a
   * second payment with the same client and idempotency key fails here (and records nothing).
   *
   * @param remoteIp the address the client's request came from, or null
   */
  public void insert(Payment payment, String remoteIp) {
    em.persist(payment);
    em.flush();
    events.recordWithCaller(
        CREATED_EVENT,
        SecurityEvents.Outcome.SUCCESS,
        payment.id(),
        payment.clientId(),
        remoteIp,
        // The reference, description and email are the client's text: not copied here.
        "amount="
            + payment.amount()
            + " currency="
            + payment.currency()
            + " mode="
            + payment.mode());
  }

  /** The payment {@code id} if it belongs to {@code clientId}. */
  public Optional<Payment> find(String clientId, String id) {
    Payment payment = em.find(Payment.class, id);
    return payment != null && payment.clientId().equals(clientId)
        ? Optional.of(payment)
        : Optional.empty();
  }

  /** The client's payment made with {@code idempotencyKey}, if any. */
  public Optional<Payment> findByIdempotencyKey(String clientId, String idempotencyKey) {
    return em
        .createQuery(
            "SELECT p FROM Payment p WHERE p.clientId = :client AND p.idempotencyKey = :key",
            Payment.class)
        .setParameter("client", clientId)
        .setParameter("key", idempotencyKey)
        .getResultList()
        .stream()
        .findFirst();
  }

  /** The client's payments with {@code reference}, newest first. */
  public List<Payment> findByReference(String clientId, String reference) {
    return em.createQuery(
            "SELECT p FROM Payment p WHERE p.clientId = :client AND p.reference = :reference"
                + " ORDER BY p.createdAt DESC, p.id",
            Payment.class)
        .setParameter("client", clientId)
        .setParameter("reference", reference)
        .setMaxResults(100)
        .getResultList();
  }

  /**
   * Records the Checkout Session Stripe created for the payment; returns the updated payment.
   *
   * @param clientSecretCiphertext the encrypted client secret of an embedded session, or null
   */
  public Payment attachCheckoutSession(
      String id,
      String sessionId,
      String url,
      String clientSecretCiphertext,
      OffsetDateTime expiresAt,
      OffsetDateTime now) {
    Payment payment = em.find(Payment.class, id);
    if (payment == null) {
      throw new IllegalStateException("payment " + id + " vanished");
    }
    payment.attachCheckoutSession(sessionId, url, clientSecretCiphertext, expiresAt, now);
    return payment;
  }

  /** The payment {@code id} of any client, for the embedded payment page; empty if none. */
  public Optional<Payment> findForPaymentPage(String id) {
    return Optional.ofNullable(em.find(Payment.class, id));
  }
}
