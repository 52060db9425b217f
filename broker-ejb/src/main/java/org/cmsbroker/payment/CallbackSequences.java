package org.cmsbroker.payment;

import jakarta.persistence.EntityManager;

/**
 * The per-payment sequence numbers of callbacks (column {@code payment.callback_sequence}). The
 * next number is taken with one atomic {@code UPDATE ... SET n = n + 1} of the payment's row in the
 * caller's transaction, so two transactions queueing callbacks for one payment at once are
 * serialised by the row lock: their numbers differ, and the one that commits later has the larger.
 * The same SQL runs on H2 and PostgreSQL.
 */
final class CallbackSequences {
  private CallbackSequences() {}

  /**
   * The next sequence number of {@code paymentId}'s callbacks (1 for the first), taken in the
   * caller's transaction.
   *
   * @throws IllegalStateException when there is no such payment (a bug)
   */
  static long next(EntityManager em, String paymentId) {
    int updated =
        em.createNativeQuery(
                "UPDATE payment SET callback_sequence = callback_sequence + 1 WHERE id = ?")
            .setParameter(1, paymentId)
            .executeUpdate();
    if (updated != 1) {
      throw new IllegalStateException("payment " + paymentId + " vanished");
    }
    Object value =
        em.createNativeQuery("SELECT callback_sequence FROM payment WHERE id = ?")
            .setParameter(1, paymentId)
            .getSingleResult();
    return ((Number) value).longValue();
  }
}
