package org.cmsbroker.backup;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.crypto.MasterKey;
import org.cmsbroker.persistence.DatabaseMigrator;

/**
 * Backups of the running broker ({@code broker.jar backup}): writes an encrypted backup where the
 * operator asked, and tells when the last one succeeded. Each backup reads the database in its own
 * read-only transaction, outside any container transaction.
 */
@Stateless
public class BackupService {
  private static final Logger LOG = Logger.getLogger(BackupService.class.getName());

  @Resource(lookup = DatabaseMigrator.DATA_SOURCE)
  DataSource dataSource;

  @Inject BrokerConfig config;
  @Inject MasterKey masterKey;
  @Inject SecureRandom random;
  @Inject Clock clock;

  /**
   * Writes a backup encrypted to {@code recipientKey} (an OpenPGP public key, armored or binary) to
   * {@code out}, which must be an absolute path that does not exist yet.
   *
   * @throws BackupException if the key is unusable, the file exists or cannot be written, or the
   *     database cannot be read; the message says which
   */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public BackupReceipt create(byte[] recipientKey, Path out) throws BackupException {
    BackupReceipt receipt =
        BackupWriter.write(
            dataSource, config.dataDir(), masterKey, recipientKey, out, random, clock);
    LOG.info(
        () ->
            "Backup written to "
                + receipt.file()
                + " ("
                + receipt.rows()
                + " rows, schema version "
                + receipt.schemaVersion()
                + ", encrypted to "
                + receipt.recipientKeyId()
                + ")");
    return receipt;
  }

  /** When this broker last wrote a backup successfully; empty if never (or not recorded). */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public Optional<Instant> lastBackup() {
    return new LastBackupFile(config.dataDir()).read();
  }
}
