package org.cmsbroker.backup;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.cmsbroker.audit.AuditCheckpointFile;
import org.cmsbroker.crypto.MasterKey;

/**
 * Writes an encrypted backup of a running broker: the data directory files it needs (the master
 * key, the signed audit checkpoint) and every table, read in one read-only transaction.
 *
 * <p>Isolation: on PostgreSQL {@code REPEATABLE READ}, which is snapshot isolation there (one
 * snapshot, taken at the transaction's first statement, for all of them: every table as of one
 * instant, while writers carry on and without serialization failures for a read-only transaction);
 * on H2 {@code SERIALIZABLE}, because H2 2.x's {@code REPEATABLE READ} snapshots each table only
 * when it is first read (tried: a row committed to a second table after the first was read is
 * seen), while its {@code SERIALIZABLE} reads every table as of the first statement and does not
 * block writers. The audit checkpoint is read before the transaction starts, so the rows exported
 * are never older than the checkpoint that covers them.
 *
 * <p>The file is written to an owner-only temporary file beside the target, synced, and then given
 * its name with a link that fails if the name exists, so a reader never sees half a backup and no
 * existing file is ever replaced. Stateless.
 */
final class BackupWriter {
  private BackupWriter() {}

  static BackupReceipt write(
      DataSource dataSource,
      Path dataDir,
      MasterKey masterKey,
      byte[] recipientKey,
      Path out,
      SecureRandom random,
      Clock clock)
      throws BackupException {
    Instant now = clock.instant();
    OpenPgpEnvelope.Recipient recipient = OpenPgpEnvelope.recipient(recipientKey, now);
    Path target = checkTarget(out);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(
        BackupFormat.MASTER_KEY_FILE, masterKey.toBase64().getBytes(StandardCharsets.US_ASCII));
    try {
      new AuditCheckpointFile(dataDir)
          .read()
          .ifPresent(
              jws ->
                  files.put(
                      BackupFormat.AUDIT_CHECKPOINT_FILE,
                      (jws + "\n").getBytes(StandardCharsets.US_ASCII)));
    } catch (IOException e) {
      throw new BackupException("the audit checkpoint in the data directory cannot be read");
    }
    Path temp;
    try {
      temp = OwnerOnlyFiles.createTemp(target.getParent(), target.getFileName().toString());
    } catch (IOException e) {
      throw new BackupException("cannot create a file in " + target.getParent());
    }
    try {
      DatabaseExport.Summary summary;
      FileOutputStream file = new FileOutputStream(temp.toFile());
      OutputStream synced =
          new FilterOutputStream(file) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              file.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
              try {
                file.getFD().sync();
              } finally {
                file.close();
              }
            }
          };
      try (Writer writer =
          new BufferedWriter(
              new OutputStreamWriter(
                  OpenPgpEnvelope.encrypt(synced, recipient, random, Date.from(now)),
                  StandardCharsets.UTF_8),
              1 << 16)) {
        summary = snapshot(dataSource, files, now, writer);
      }
      try {
        OwnerOnlyFiles.publish(temp, target);
      } catch (FileAlreadyExistsException e) {
        throw exists(target);
      }
      try {
        new LastBackupFile(dataDir).write(now);
      } catch (IOException e) {
        // The backup is complete; the self-check will call it stale, which it then says why.
        java.util.logging.Logger.getLogger(BackupWriter.class.getName())
            .warning("The time of the last backup could not be recorded: " + e.getMessage());
      }
      return new BackupReceipt(
          target,
          now,
          summary.schemaVersion(),
          summary.tables(),
          summary.rows(),
          recipient.fingerprint(),
          recipient.keyId(),
          recipient.userId());
    } catch (IOException e) {
      throw new BackupException(
          "the backup could not be written to "
              + target
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (SQLException e) {
      throw new BackupException(
          "the database could not be read (" + e.getClass().getSimpleName() + ")");
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // Owner-only and named as a temporary file: harmless if it stays.
      }
    }
  }

  private static Path checkTarget(Path out) throws BackupException {
    if (!out.isAbsolute()) {
      throw new BackupException("the output file must be an absolute path");
    }
    Path target = out.normalize();
    Path parent = target.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new BackupException("the directory " + parent + " does not exist");
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw exists(target);
    }
    return target;
  }

  private static BackupException exists(Path target) {
    return new BackupException(target + " already exists; a backup never replaces a file");
  }

  /** Exports in one read-only transaction, leaving the pooled connection as it found it. */
  private static DatabaseExport.Summary snapshot(
      DataSource dataSource, Map<String, byte[]> files, Instant now, Writer writer)
      throws SQLException, IOException, BackupException {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      boolean readOnly = connection.isReadOnly();
      int isolation = connection.getTransactionIsolation();
      try {
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
        connection.setTransactionIsolation(snapshotIsolation(connection));
        DatabaseExport.Summary summary = DatabaseExport.export(connection, files, now, writer);
        connection.commit();
        return summary;
      } catch (SQLException | IOException | BackupException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
        connection.setReadOnly(readOnly);
        connection.setTransactionIsolation(isolation);
      }
    }
  }

  /** See the class comment. */
  static int snapshotIsolation(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    return product.contains("postgres")
        ? Connection.TRANSACTION_REPEATABLE_READ
        : Connection.TRANSACTION_SERIALIZABLE;
  }
}
