package org.cmsbroker.audit;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.cmsbroker.config.BrokerConfig;

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
  @Inject AuditSigner signer;
  @Inject BrokerConfig config;

  /** Seals what is pending (up to {@link #SEAL_BATCH} rows) and returns the head. */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public AuditCheckpoint sealPending() {
    return AuditChainStore.seal(em, SEAL_BATCH, now());
  }

  /**
   * Whether the chain still extends {@code checkpoint} (see {@link
   * AuditChainStore#continuityBreak}); empty when it does, else what is wrong.
   */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public Optional<String> continuityBreak(AuditCheckpoint checkpoint) {
    return AuditChainStore.continuityBreak(em, checkpoint);
  }

  /** Verifies the chain against the database and {@code checkpoint} (null: none kept yet). */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public AuditVerification verify(AuditCheckpoint checkpoint) {
    return AuditChainStore.verify(em, checkpoint);
  }

  /**
   * Verifies the chain against the database and the signed checkpoint in the data directory. A
   * checkpoint file that is there but not signed by the broker is itself a finding.
   */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public AuditVerification verifyWithCheckpoint() {
    AuditCheckpointFile file = new AuditCheckpointFile(config.dataDir());
    Optional<String> text;
    try {
      text = file.read();
    } catch (IOException e) {
      return new AuditVerification(
          false,
          0,
          0,
          null,
          null,
          "the checkpoint file " + file.path() + " cannot be read",
          0,
          null);
    }
    AuditCheckpoint checkpoint = null;
    if (text.isPresent()) {
      Optional<AuditCheckpoint> verified = signer.verify(text.get());
      if (verified.isEmpty()) {
        return new AuditVerification(
            false,
            0,
            0,
            null,
            null,
            "the checkpoint file "
                + file.path()
                + " does not carry a valid signature of this broker: it was replaced or damaged",
            0,
            null);
      }
      checkpoint = verified.get();
    }
    return AuditChainStore.verify(em, checkpoint);
  }

  /** Rows archived and pruned per transaction at most. */
  static final int PRUNE_BATCH = 5_000;

  /**
   * Archives the audit rows older than {@code age} to a signed file in {@code <data
   * dir>/audit/archive} and prunes them from the database, so what remains still verifies from the
   * new anchor; one batch of at most {@link #PRUNE_BATCH} rows.
   *
   * @return the archive written, or empty when nothing was old enough
   * @throws IllegalStateException when the chain does not verify in the rows to prune
   */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public Optional<AuditArchive> archiveAndPrune(java.time.Duration age) {
    OffsetDateTime cutoff = now().minus(age);
    Path dir = config.dataDir().resolve("audit").resolve("archive");
    AuditArchive[] written = new AuditArchive[1];
    AuditChainStore.Pruned pruned =
        AuditChainStore.prune(
            em,
            cutoff,
            PRUNE_BATCH,
            p -> {
              try {
                written[0] =
                    AuditArchive.write(
                        dir,
                        p.fromSeq(),
                        p.toSeq(),
                        p.previousHash(),
                        p.rows(),
                        signer.sign(new AuditCheckpoint(p.toSeq(), p.lastHash(), clock.instant())));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    return pruned == null ? Optional.empty() : Optional.of(written[0]);
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
