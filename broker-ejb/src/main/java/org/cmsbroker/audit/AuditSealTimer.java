package org.cmsbroker.audit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.config.BrokerConfig;

/**
 * Every {@link #INTERVAL} seals the security events written since into the audit chain, and writes
 * a signed checkpoint of the chain's head to {@code <data dir>/audit/checkpoint.jws} whenever the
 * head moved, and at least every {@link #CHECKPOINT_EVERY}. A failed run (the database or the keys
 * not ready yet) is retried by the next one; a third failure in a row is logged as a warning.
 *
 * <p>A new checkpoint is signed only over a chain that still extends the last one ({@link
 * AuditLog#continuityBreak}): when someone rewrote the chain in the database as a whole, rows and
 * head recomputed, the broker does not sign the forged head. It logs the finding as SEVERE and
 * keeps the old checkpoint, against which {@code admin audit verify} and the self-check then name
 * the rewritten position. The last checkpoint is read back from the file at the first run after a
 * start; a file that is there but not signed by this broker is set aside (renamed, kept as
 * evidence) with a SEVERE line, never silently replaced.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigrator")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class AuditSealTimer {
  private static final Logger LOG = Logger.getLogger(AuditSealTimer.class.getName());

  static final Duration INTERVAL = Duration.ofSeconds(10);
  static final Duration CHECKPOINT_EVERY = Duration.ofMinutes(5);

  @EJB AuditLog log;
  @Inject AuditSigner signer;
  @Inject BrokerConfig config;
  @Inject Clock clock;
  @Resource TimerService timers;

  private final AtomicBoolean running = new AtomicBoolean();

  /** The last checkpoint signed or read back; null before the first run, or when there is none. */
  private volatile AuditCheckpoint written;

  private volatile boolean loaded;

  /** The last continuity finding logged, so one rewrite is logged once, not every run. */
  private volatile String reported;

  private volatile long writtenSeq = -1;
  private volatile Instant writtenAt = Instant.MIN;
  private volatile int failures;
  private volatile Instant prunedAt = Instant.MIN;

  static final Duration PRUNE_EVERY = Duration.ofHours(1);

  @PostConstruct
  void schedule() {
    timers.createIntervalTimer(
        INTERVAL.toMillis(), INTERVAL.toMillis(), new TimerConfig("audit-seal", false));
  }

  @Timeout
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void tick(Timer timer) {
    sealAndCheckpoint();
  }

  /** With a retention configured, archives and prunes old rows once an hour (a few batches). */
  private void pruneIfDue(Instant now) {
    Duration retention = config.auditRetention();
    if (retention.isZero() || now.isBefore(prunedAt.plus(PRUNE_EVERY))) {
      return;
    }
    prunedAt = now;
    for (int batch = 0; batch < 20; batch++) {
      if (log.archiveAndPrune(retention).isEmpty()) {
        return;
      }
    }
  }

  /**
   * The checkpoint in {@code file} when it carries this broker's signature; null when there is
   * none. A file that does not verify is renamed aside (kept as evidence) with a SEVERE line.
   */
  private AuditCheckpoint readBack(AuditCheckpointFile file) throws IOException {
    Optional<String> text = file.read();
    if (text.isEmpty()) {
      return null;
    }
    Optional<AuditCheckpoint> verified = signer.verify(text.get());
    if (verified.isPresent()) {
      return verified.get();
    }
    Path aside = file.path().resolveSibling("checkpoint.jws.unverified-" + clock.millis());
    Files.move(file.path(), aside);
    LOG.severe(
        "audit chain: the checkpoint file does not carry a valid signature of this broker; kept as "
            + aside
            + " and checkpoints start again from the chain as it is now");
    return null;
  }

  /** Seals what is pending and checkpoints the head if due. Never throws. */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public void sealAndCheckpoint() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    try {
      AuditCheckpoint head = log.sealPending();
      Instant now = clock.instant();
      if (head.seq() != writtenSeq || !now.isBefore(writtenAt.plus(CHECKPOINT_EVERY))) {
        // Signing first: it fails until the keys are loaded, and a checkpoint is read back only
        // once they are (before, a good file would not verify).
        String signed = signer.sign(head);
        AuditCheckpointFile file = new AuditCheckpointFile(config.dataDir());
        if (!loaded) {
          written = readBack(file);
          loaded = true;
        }
        AuditCheckpoint last = written;
        if (last != null) {
          Optional<String> broken = log.continuityBreak(last);
          if (broken.isPresent()) {
            if (!broken.get().equals(reported)) {
              reported = broken.get();
              LOG.severe(
                  "audit chain: "
                      + broken.get()
                      + "; the checkpoint "
                      + file.path()
                      + " is kept and no new one is signed until an operator has looked"
                      + " (broker.jar admin audit verify)");
            }
            return;
          }
        }
        file.write(signed);
        written = head;
        reported = null;
        writtenSeq = head.seq();
        writtenAt = now;
      }
      failures = 0;
      pruneIfDue(now);
    } catch (IOException | RuntimeException e) {
      // The first runs may come before the schema or the signing keys are ready: warn only when it
      // goes on, and once.
      Level level = ++failures == 3 ? Level.WARNING : Level.FINE;
      LOG.log(level, () -> "audit sealing or checkpoint failed; the next run retries: " + e);
    } finally {
      running.set(false);
    }
  }
}
