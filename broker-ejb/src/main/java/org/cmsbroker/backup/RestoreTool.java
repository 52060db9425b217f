package org.cmsbroker.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.sql.DataSource;
import org.cmsbroker.crypto.MasterKey;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

/**
 * {@code broker.jar restore}: puts an encrypted backup into an empty database and a data directory,
 * while no broker runs on them. The launcher calls {@link #run} through a class loader over the
 * WAR's own libraries (see the package comment), so this class uses only JDK types in its entry
 * point.
 *
 * <p>Steps: decrypt and check the whole backup once (nothing is written unless the file is
 * complete, unaltered and in the broker's format); check that the database is empty and that the
 * data directory holds no other master key or checkpoint; migrate the schema to the backup's
 * version with the broker's own migrations; decrypt again and insert every row in one transaction,
 * committed only after the integrity check at the end of the file; move the sequences past the
 * restored keys; then write the master key and the audit checkpoint into the data directory. A
 * failure after the migration drops what it created (the schema was empty), so the same command can
 * be run again.
 */
public final class RestoreTool {
  /** Option names of {@link #run}. */
  public static final String IN = "in";

  public static final String KEY = "key";
  public static final String DATA_DIR = "data_dir";
  public static final String DB_URL = "db_url";
  public static final String DB_USER = "db_user";
  public static final String DB_PASSWORD = "db_password";

  /** The configured master key (base64), when the broker takes it from its settings. */
  public static final String MASTER_KEY = "master_key";

  /** The largest private key file read. */
  static final int MAX_KEY_BYTES = 1024 * 1024;

  private RestoreTool() {}

  /**
   * Restores with the operator's private key given as its bytes (read by the launcher from a file
   * or standard input); prints one line of outcome.
   *
   * @return 0 restored, 1 refused or failed (the reason printed on {@code err})
   */
  public static int run(
      Map<String, String> options,
      byte[] secretKey,
      char[] passphrase,
      PrintStream out,
      PrintStream err) {
    try {
      out.println(restore(options, secretKey, passphrase, RestoreTool.class.getClassLoader()));
      return 0;
    } catch (BackupException e) {
      err.println("broker: restore refused: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      // Flyway's and the drivers' failures (an unreachable database, say): their first line.
      err.println("broker: restore failed: " + e.getClass().getSimpleName() + ": " + firstLine(e));
      return 1;
    }
  }

  /** Restores and returns the line that says what was restored. */
  static String restore(Map<String, String> options, char[] passphrase, ClassLoader migrations)
      throws BackupException {
    return restore(options, readKey(Path.of(require(options, KEY))), passphrase, migrations);
  }

  /** Restores with the private key's bytes and returns the line that says what was restored. */
  static String restore(
      Map<String, String> options, byte[] secretKey, char[] passphrase, ClassLoader migrations)
      throws BackupException {
    if (secretKey == null || secretKey.length == 0 || secretKey.length > MAX_KEY_BYTES) {
      throw new BackupException("no OpenPGP private key was given");
    }
    Path in = Path.of(require(options, IN));
    Path dataDir = Path.of(require(options, DATA_DIR));
    BackupReader.Contents contents = check(in, secretKey, passphrase);
    byte[] masterKey = contents.files().get(BackupFormat.MASTER_KEY_FILE);
    if (masterKey == null) {
      throw new BackupException("the backup holds no master key");
    }
    checkMasterKey(masterKey, options.get(MASTER_KEY));
    checkDataDirectory(dataDir, contents);
    Flyway flyway =
        Flyway.configure(migrations)
            .dataSource(require(options, DB_URL), options.get(DB_USER), options.get(DB_PASSWORD))
            .locations("classpath:db/migration")
            .failOnMissingLocations(true)
            .target(MigrationVersion.fromVersion(contents.header().schemaVersion()))
            .cleanDisabled(false)
            .load();
    DataSource dataSource = flyway.getConfiguration().getDataSource();
    try (Connection connection = dataSource.getConnection()) {
      DatabaseImport.requireEmpty(connection);
    } catch (SQLException e) {
      throw new BackupException("cannot connect to the database: " + firstLine(e));
    }
    requireKnownVersion(flyway, contents.header().schemaVersion());
    try {
      flyway.migrate();
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        try {
          DatabaseImport.clearSeededRows(connection);
          readAll(in, secretKey, passphrase, new DatabaseImport.Inserter(connection));
          DatabaseImport.resetSequences(connection);
          connection.commit();
        } catch (SQLException | BackupException | RuntimeException e) {
          connection.rollback();
          throw e;
        }
      }
    } catch (SQLException | BackupException | RuntimeException e) {
      undo(flyway);
      if (e instanceof BackupException refused) {
        throw refused;
      }
      throw new BackupException(
          "the rows could not be inserted ("
              + e.getClass().getSimpleName()
              + ": "
              + firstLine(e)
              + "); nothing was restored");
    }
    try {
      if (options.get(MASTER_KEY) == null) {
        OwnerOnlyFiles.replace(dataDir.resolve(BackupFormat.MASTER_KEY_FILE), masterKey);
      }
      byte[] checkpoint = contents.files().get(BackupFormat.AUDIT_CHECKPOINT_FILE);
      if (checkpoint != null) {
        OwnerOnlyFiles.replace(dataDir.resolve(BackupFormat.AUDIT_CHECKPOINT_FILE), checkpoint);
      }
    } catch (IOException e) {
      throw new BackupException(
          "the database was restored, but the data directory files could not be written ("
              + firstLine(e)
              + "); restore again into an empty database and a writable data directory");
    }
    return "broker: restored the backup of "
        + contents.header().createdAt()
        + " (schema version "
        + contents.header().schemaVersion()
        + ", "
        + DatabaseExport.count(contents.rows().size(), "table")
        + ", "
        + DatabaseExport.count(contents.totalRows(), "row")
        + (contents.files().containsKey(BackupFormat.AUDIT_CHECKPOINT_FILE)
            ? ", the master key and the audit checkpoint"
            : ", the master key")
        + ") into "
        + dataDir
        + "; start the broker with the same settings";
  }

  /**
   * Decrypts and checks the whole backup without writing anything.
   *
   * @throws BackupException as {@link #readAll}
   */
  static BackupReader.Contents check(Path in, byte[] secretKey, char[] passphrase)
      throws BackupException {
    try {
      return readAll(in, secretKey, passphrase, new BackupReader.Sink() {});
    } catch (SQLException e) {
      throw new IllegalStateException("a sink without a database failed with SQL", e);
    }
  }

  /**
   * Decrypts and reads the whole backup into {@code sink}, then checks its integrity.
   *
   * @throws BackupException if it cannot be opened, is not in the broker's format, or fails the
   *     integrity check
   */
  static BackupReader.Contents readAll(
      Path in, byte[] secretKey, char[] passphrase, BackupReader.Sink sink)
      throws BackupException, SQLException {
    try (InputStream file = Files.newInputStream(in)) {
      OpenPgpEnvelope.Decrypted decrypted = OpenPgpEnvelope.decrypt(file, secretKey, passphrase);
      BackupReader.Contents contents;
      try {
        contents = BackupReader.read(decrypted.content(), sink);
      } catch (BackupException e) {
        // A damaged file usually shows as nonsense before the integrity check: say which.
        try {
          decrypted.verify();
        } catch (BackupException altered) {
          throw altered;
        }
        throw e;
      } catch (IOException e) {
        throw OpenPgpEnvelope.altered();
      }
      decrypted.verify();
      return contents;
    } catch (IOException e) {
      throw new BackupException("cannot read " + in + ": " + firstLine(e));
    }
  }

  private static void undo(Flyway flyway) {
    try {
      flyway.clean();
    } catch (RuntimeException e) {
      // Reported with the original failure's message: the database may hold the empty schema.
    }
  }

  private static void requireKnownVersion(Flyway flyway, String version) throws BackupException {
    MigrationVersion wanted = MigrationVersion.fromVersion(version);
    MigrationVersion newest = null;
    for (MigrationInfo info : flyway.info().all()) {
      if (info.getVersion() == null) {
        continue;
      }
      if (info.getVersion().equals(wanted)) {
        return;
      }
      if (newest == null || info.getVersion().isNewerThan(newest.getVersion())) {
        newest = info.getVersion();
      }
    }
    throw new BackupException(
        "the backup's schema version "
            + version
            + " is not one this broker knows (it knows up to "
            + (newest == null ? "none" : newest.getVersion())
            + "); restore it with the broker version that made it, or a newer one");
  }

  private static void checkMasterKey(byte[] fromBackup, String configured) throws BackupException {
    try {
      MasterKey.fromBase64(OwnerOnlyFiles.ascii(fromBackup));
    } catch (IllegalArgumentException e) {
      throw new BackupException("the backup's master key is malformed");
    }
    if (configured != null
        && !MessageDigest.isEqual(
            Base64.getDecoder().decode(OwnerOnlyFiles.ascii(fromBackup).trim()),
            decodeOrEmpty(configured))) {
      throw new BackupException(
          "BROKER_MASTER_KEY is set to another key than the backup's; unset it (the restore then"
              + " writes the backup's key to the data directory) or set it to the backup's key");
    }
  }

  private static byte[] decodeOrEmpty(String base64) {
    try {
      return Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  private static void checkDataDirectory(Path dataDir, BackupReader.Contents contents)
      throws BackupException {
    for (String name : BackupFormat.FILES) {
      Path file = dataDir.resolve(name);
      if (!Files.exists(file)) {
        continue;
      }
      byte[] wanted = contents.files().get(name);
      try {
        byte[] present = Files.readAllBytes(file);
        if (wanted != null
            && Arrays.equals(
                OwnerOnlyFiles.ascii(present).trim().getBytes(StandardCharsets.US_ASCII),
                OwnerOnlyFiles.ascii(wanted).trim().getBytes(StandardCharsets.US_ASCII))) {
          continue;
        }
      } catch (IOException e) {
        // fall through: refused below
      }
      throw new BackupException(
          "the data directory already holds another "
              + file
              + "; restore into a new data directory");
    }
  }

  private static byte[] readKey(Path key) throws BackupException {
    try {
      if (!Files.isRegularFile(key) || Files.size(key) > MAX_KEY_BYTES) {
        throw new BackupException("the key file " + key + " is missing or not an OpenPGP key");
      }
      return Files.readAllBytes(key);
    } catch (IOException e) {
      throw new BackupException("cannot read the key file " + key + ": " + firstLine(e));
    }
  }

  private static String require(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("restore needs the option " + name);
    }
    return value;
  }

  private static String firstLine(Exception e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return message.lines().findFirst().orElse(message).strip();
  }
}
