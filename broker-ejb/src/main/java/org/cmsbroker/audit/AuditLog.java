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
 * The tamper-evident audit log over the security events: sealing them into the hash chain,
 * verifying it, listing rows. Each call is its own transaction.
 */
@Stateless
public class AuditLog {
  /** Rows sealed per transaction at most. */
  static final int SEAL_BATCH = 500;

  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject Clock clock;

  /** Seals what is pending (up to {@link #SEAL_BATCH} rows) and returns the head. */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public AuditCheckpoint sealPending() {
    return AuditChainStore.seal(em, SEAL_BATCH, now());
  }

  /** Verifies the chain against the database and {@code checkpoint} (null: none kept yet). */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public AuditVerification verify(AuditCheckpoint checkpoint) {
    return AuditChainStore.verify(em, checkpoint);
  }

  /** Rows matching {@code query}, newest first. */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public List<SecurityEvent> list(AuditQuery query) {
    return AuditChainStore.list(em, query);
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }
}
