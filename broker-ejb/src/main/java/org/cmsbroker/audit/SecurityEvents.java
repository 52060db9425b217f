package org.cmsbroker.audit;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Records security events in their own transaction, so a refused login is recorded even though
 * nothing else is written. Callers pass no secrets: ids, types, outcomes and fixed reason codes
 * only.
 */
@Stateless
public class SecurityEvents {
  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject Clock clock;

  /** Outcome of an event. */
  public enum Outcome {
    SUCCESS,
    FAILURE,
    REFUSED;

    String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public void record(
      String type, Outcome outcome, String subjectId, String remoteIp, String detail) {
    record(type, outcome, subjectId, null, remoteIp, detail);
  }

  /** Records an event about (or on behalf of) an OAuth client, {@code clientId}. */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public void record(
      String type,
      Outcome outcome,
      String subjectId,
      String clientId,
      String remoteIp,
      String detail) {
    em.persist(
        new SecurityEvent(
            // Microseconds, as both databases store them: the audit chain hashes the time read
            // back.
            OffsetDateTime.now(clock)
                .withOffsetSameInstant(ZoneOffset.UTC)
                .truncatedTo(java.time.temporal.ChronoUnit.MICROS),
            type,
            outcome.code(),
            subjectId,
            clientId,
            remoteIp,
            detail == null || detail.length() <= 1024 ? detail : detail.substring(0, 1024)));
  }

  /**
   * Records an event in the caller's transaction, so that it is kept exactly when the caller's
   * other writes are (a decision taken once per Stripe event id, say).
   */
  @TransactionAttribute(TransactionAttributeType.MANDATORY)
  public void recordWithCaller(
      String type, Outcome outcome, String subjectId, String clientId, String detail) {
    record(type, outcome, subjectId, clientId, null, detail);
  }

  /**
   * Records an event from {@code remoteIp} in the caller's transaction: for what succeeded with the
   * caller's writes (tokens issued with a refresh token's rotation, say), so the event is kept
   * exactly when they are, and costs no second transaction, connection and commit of its own.
   */
  @TransactionAttribute(TransactionAttributeType.MANDATORY)
  public void recordWithCaller(
      String type,
      Outcome outcome,
      String subjectId,
      String clientId,
      String remoteIp,
      String detail) {
    record(type, outcome, subjectId, clientId, remoteIp, detail);
  }

  /** The most recent events, newest first. */
  public List<SecurityEvent> recent(int max) {
    return em.createQuery("SELECT e FROM SecurityEvent e ORDER BY e.id DESC", SecurityEvent.class)
        .setMaxResults(max)
        .getResultList();
  }
}
