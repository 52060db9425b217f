package org.cmsbroker.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.cmsbroker.crypto.MasterKey;
import org.cmsbroker.persistence.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backups written by {@link BackupWriter} and restored by {@link RestoreTool}: every row survives,
 * H2 to PostgreSQL and back; {@code gpg --decrypt} reads the file; a wrong key, a wrong passphrase,
 * an altered file or a database that is not empty is refused with its own message and nothing
 * written.
 */
class BackupRestoreTest {
  private static final String OPERATOR = "Backup Operator <backups@example.org>";
  private static final String PASSPHRASE = "correct horse battery staple";
  private static final Instant NOW = Instant.parse("2025-06-01T10:15:30.123456Z");

  @TempDir static Path shared;
  @TempDir Path work;

  private static TestGpg gpg;
  private static byte[] publicKey;
  private static byte[] secretKey;
  private static byte[] otherSecretKey;

  private final MasterKey masterKey = MasterKey.generate(new SecureRandom());

  @BeforeAll
  static void keys() throws Exception {
    gpg = new TestGpg(shared.resolve("gnupg"));
    gpg.generate(OPERATOR, PASSPHRASE);
    gpg.generate("Someone Else <else@example.org>", "");
    publicKey = gpg.exportPublic(OPERATOR);
    secretKey = gpg.exportSecret(OPERATOR, PASSPHRASE);
    otherSecretKey = gpg.exportSecret("else@example.org", "");
  }

  static Stream<Arguments> directions() {
    return Stream.of(
        Arguments.of(TestDatabase.Kind.H2, TestDatabase.Kind.POSTGRESQL),
        Arguments.of(TestDatabase.Kind.POSTGRESQL, TestDatabase.Kind.H2),
        Arguments.of(TestDatabase.Kind.H2, TestDatabase.Kind.H2),
        Arguments.of(TestDatabase.Kind.POSTGRESQL, TestDatabase.Kind.POSTGRESQL));
  }

  @ParameterizedTest(name = "{0} to {1}")
  @MethodSource("directions")
  void restoreKeepsEveryRowAndMovesSequencesPastThem(TestDatabase.Kind from, TestDatabase.Kind to)
      throws Exception {
    try (TestDatabase source = new TestDatabase(from);
        TestDatabase target = TestDatabase.empty(to)) {
      seed(source);
      Path dataDir = Files.createDirectories(work.resolve("source-data"));
      Files.createDirectories(dataDir.resolve("audit"));
      Files.writeString(dataDir.resolve("audit/checkpoint.jws"), "eyJhbGciOiJFUzI1NiJ9.e30.c2ln\n");
      Path file = work.resolve("broker.backup.pgp");

      BackupReceipt receipt = backup(source, dataDir, file);
      assertEquals(
          Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(file));
      assertTrue(receipt.schemaVersion().matches("[0-9]+"), receipt.schemaVersion());

      Path restoredDir = work.resolve("restored-data");
      String line =
          RestoreTool.restore(
              options(file, target, restoredDir),
              PASSPHRASE.toCharArray(),
              RestoreTool.class.getClassLoader());
      assertTrue(line.contains("restored the backup of " + NOW), line);

      assertEquals(dump(source), dump(target));
      assertEquals(
          masterKey.toBase64(),
          Files.readString(restoredDir.resolve("secrets/master.key"), StandardCharsets.US_ASCII));
      assertEquals(
          Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(restoredDir.resolve("secrets/master.key")));
      assertEquals(
          "eyJhbGciOiJFUzI1NiJ9.e30.c2ln",
          Files.readString(restoredDir.resolve("audit/checkpoint.jws")).strip());
      try (Connection c = target.dataSource().getConnection();
          Statement s = c.createStatement()) {
        long next = nextSecurityEventId(s, to);
        assertTrue(next > 1_000_000_041L, "sequence moved past restored ids: " + next);
        s.executeUpdate(
            "INSERT INTO security_event (occurred_at, event_type, outcome) VALUES"
                + " (CURRENT_TIMESTAMP, 'after.restore', 'success')");
      }
    }
  }

  @Test
  void gpgDecryptsTheBackup() throws Exception {
    try (TestDatabase source = new TestDatabase()) {
      seed(source);
      Path file = work.resolve("for-gpg.pgp");
      backup(source, Files.createDirectories(work.resolve("data")), file);
      TestGpg.Result decrypted = gpg.decrypt(file, PASSPHRASE);
      assertEquals(0, decrypted.exitCode(), decrypted.stderr());
      String text = new String(decrypted.stdout(), StandardCharsets.UTF_8);
      assertTrue(text.startsWith("{\"format\":\"cms-broker-backup\""), text);
      assertTrue(text.contains("{\"table\":\"account\""), text);
      assertTrue(text.contains("ada-ciphertext"), text);
      assertTrue(decrypted.stderr().contains("AES256"), decrypted.stderr());
      assertFalse(decrypted.stderr().contains("integrity"), decrypted.stderr());
      assertFalse(
          new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("account"),
          "no plaintext in the file");
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void restoreRefusesADatabaseThatIsNotEmpty(TestDatabase.Kind kind) throws Exception {
    try (TestDatabase source = new TestDatabase();
        TestDatabase target = new TestDatabase(kind)) {
      seed(source);
      Path file = work.resolve("b.pgp");
      backup(source, Files.createDirectories(work.resolve("data")), file);
      BackupException e =
          assertThrows(
              BackupException.class,
              () ->
                  RestoreTool.restore(
                      options(file, target, work.resolve("fresh")),
                      PASSPHRASE.toCharArray(),
                      RestoreTool.class.getClassLoader()));
      assertTrue(e.getMessage().startsWith("the database is not empty"), e.getMessage());
      assertFalse(Files.exists(work.resolve("fresh/secrets/master.key")));
      try (Connection c = target.dataSource().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM account")) {
        rs.next();
        assertEquals(0, rs.getLong(1), "nothing inserted");
      }
    }
  }

  @Test
  void restoreRefusesAnotherKeyAndAWrongPassphrase() throws Exception {
    try (TestDatabase source = new TestDatabase();
        TestDatabase target = TestDatabase.empty(TestDatabase.Kind.H2)) {
      seed(source);
      Path file = work.resolve("b.pgp");
      backup(source, Files.createDirectories(work.resolve("data")), file);
      Path other = work.resolve("other.asc");
      Files.write(other, otherSecretKey);
      Map<String, String> withOther = new HashMap<>(options(file, target, work.resolve("fresh")));
      withOther.put(RestoreTool.KEY, other.toString());
      assertRefused("the backup is not encrypted to this key", withOther, "", target);
      assertRefused(
          "the passphrase of the private key is wrong",
          options(file, target, work.resolve("fresh")),
          "not the passphrase",
          target);
    }
  }

  @Test
  void restoreRefusesAnAlteredOrTruncatedFileAndWritesNothing() throws Exception {
    try (TestDatabase source = new TestDatabase();
        TestDatabase target = TestDatabase.empty(TestDatabase.Kind.H2)) {
      seed(source);
      Path file = work.resolve("b.pgp");
      backup(source, Files.createDirectories(work.resolve("data")), file);
      byte[] bytes = Files.readAllBytes(file);
      for (int at : new int[] {bytes.length / 2, bytes.length - 5}) {
        byte[] altered = bytes.clone();
        altered[at] ^= 0x01;
        Files.write(file, altered);
        assertRefused(
            "the backup is damaged or was altered",
            options(file, target, work.resolve("fresh")),
            PASSPHRASE,
            target);
      }
      Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 40));
      assertRefused(
          "the backup is damaged or was altered",
          options(file, target, work.resolve("fresh")),
          PASSPHRASE,
          target);
      Files.writeString(file, "not a backup at all\n");
      assertRefused(
          "the file is not an OpenPGP encrypted backup",
          options(file, target, work.resolve("fresh")),
          PASSPHRASE,
          target);
    }
  }

  @Test
  void restoreRefusesAnotherMasterKeyInTheDataDirectoryOrSettings() throws Exception {
    try (TestDatabase source = new TestDatabase();
        TestDatabase target = TestDatabase.empty(TestDatabase.Kind.H2)) {
      seed(source);
      Path file = work.resolve("b.pgp");
      backup(source, Files.createDirectories(work.resolve("data")), file);
      Map<String, String> configured = new HashMap<>(options(file, target, work.resolve("f1")));
      configured.put(RestoreTool.MASTER_KEY, MasterKey.generate(new SecureRandom()).toBase64());
      assertRefused("BROKER_MASTER_KEY is set to another key", configured, PASSPHRASE, target);

      Path used = work.resolve("used");
      Files.createDirectories(used.resolve("secrets"));
      Files.writeString(
          used.resolve("secrets/master.key"), MasterKey.generate(new SecureRandom()).toBase64());
      assertRefused(
          "the data directory already holds another",
          options(file, target, used),
          PASSPHRASE,
          target);
    }
  }

  @Test
  void backupRefusesAnExistingFileAndWhatIsNotAPublicKey() throws Exception {
    try (TestDatabase source = new TestDatabase()) {
      Path data = Files.createDirectories(work.resolve("data"));
      Path file = work.resolve("exists.pgp");
      Files.writeString(file, "precious");
      BackupException exists =
          assertThrows(BackupException.class, () -> backup(source, data, file));
      assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
      assertEquals("precious", Files.readString(file));

      BackupException notKey =
          assertThrows(
              BackupException.class,
              () ->
                  BackupWriter.write(
                      source.dataSource(),
                      data,
                      masterKey,
                      "hello".getBytes(StandardCharsets.US_ASCII),
                      work.resolve("new.pgp"),
                      new SecureRandom(),
                      Clock.fixed(NOW, ZoneOffset.UTC)));
      assertTrue(notKey.getMessage().contains("not an OpenPGP public key"), notKey.getMessage());
      assertFalse(Files.exists(work.resolve("new.pgp")));
      assertTrue(new LastBackupFile(data).read().isEmpty(), "no success recorded");

      BackupException relative =
          assertThrows(BackupException.class, () -> backup(source, data, Path.of("relative.pgp")));
      assertTrue(relative.getMessage().contains("absolute"), relative.getMessage());
    }
  }

  @Test
  void aSuccessfulBackupIsRecordedForTheSelfCheck() throws Exception {
    try (TestDatabase source = new TestDatabase()) {
      Path data = Files.createDirectories(work.resolve("data"));
      backup(source, data, work.resolve("one.pgp"));
      assertEquals(NOW, new LastBackupFile(data).read().orElseThrow());
      try (Stream<Path> left = Files.list(work)) {
        assertEquals(
            List.of("data", "one.pgp"),
            left.map(p -> p.getFileName().toString()).sorted().toList(),
            "no temporary file left");
      }
    }
  }

  @Test
  void twoBackupsToOneNameAtOnceGiveOneFileAndOneRefusal() throws Exception {
    try (TestDatabase source = new TestDatabase()) {
      seed(source);
      Path data = Files.createDirectories(work.resolve("data"));
      Path file = work.resolve("same.pgp");
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      backup(source, data, file);
                      return "ok";
                    } catch (BackupException e) {
                      return e.getMessage();
                    }
                  }));
        }
        start.countDown();
        List<String> outcomes = new ArrayList<>();
        for (var f : results) {
          outcomes.add(f.get());
        }
        assertEquals(1, outcomes.stream().filter("ok"::equals).count(), outcomes.toString());
        assertTrue(
            outcomes.stream().anyMatch(o -> o.contains("already exists")), outcomes.toString());
        assertEquals(
            43,
            RestoreTool.check(file, secretKey, PASSPHRASE.toCharArray())
                    .rows()
                    .get("security_event")
                + 1,
            "the winner's file is a complete backup");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private BackupReceipt backup(TestDatabase source, Path dataDir, Path file)
      throws BackupException {
    return BackupWriter.write(
        source.dataSource(),
        dataDir,
        masterKey,
        publicKey,
        file,
        new SecureRandom(),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private Map<String, String> options(Path file, TestDatabase target, Path dataDir)
      throws IOException {
    Path key = work.resolve("operator-secret.asc");
    if (!Files.exists(key)) {
      Files.write(key, secretKey);
    }
    Map<String, String> options = new HashMap<>();
    options.put(RestoreTool.IN, file.toString());
    options.put(RestoreTool.KEY, key.toString());
    options.put(RestoreTool.DATA_DIR, dataDir.toString());
    options.put(RestoreTool.DB_URL, target.url());
    options.put(RestoreTool.DB_USER, target.user());
    options.put(RestoreTool.DB_PASSWORD, "");
    return options;
  }

  private static void assertRefused(
      String message, Map<String, String> options, String passphrase, TestDatabase target)
      throws SQLException {
    BackupException e =
        assertThrows(
            BackupException.class,
            () ->
                RestoreTool.restore(
                    options, passphrase.toCharArray(), RestoreTool.class.getClassLoader()));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
    assertFalse(
        Files.exists(Path.of(options.get(RestoreTool.DATA_DIR)).resolve("audit/checkpoint.jws")),
        "no file written");
    try (Connection c = target.dataSource().getConnection()) {
      assertEquals(Map.of(), SchemaTables.of(c).all(), "the database is left empty");
    }
  }

  /** Every table's rows, exported canonically (UTC times), rows sorted; no header line. */
  private static Map<String, List<String>> dump(TestDatabase db) throws Exception {
    StringWriter out = new StringWriter();
    try (Connection c = db.dataSource().getConnection()) {
      DatabaseExport.export(c, Map.of(), NOW, out);
    }
    Map<String, List<String>> tables = new TreeMap<>();
    String current = null;
    for (String line : out.toString().split("\n")) {
      if (line.startsWith("{\"table\":")) {
        current = line;
        tables.put(current, new ArrayList<>());
      } else if (line.startsWith("[")) {
        tables.get(current).add(line);
      }
    }
    tables.values().forEach(rows -> rows.sort(null));
    return tables;
  }

  private static long nextSecurityEventId(Statement s, TestDatabase.Kind kind) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            kind == TestDatabase.Kind.H2
                ? "SELECT NEXT VALUE FOR security_event_seq"
                : "SELECT nextval('security_event_seq')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Rows in most tables, with every kind of value the schema has (and nulls). */
  static void seed(TestDatabase db) throws SQLException {
    OffsetDateTime t = OffsetDateTime.parse("2025-05-31T22:10:11.654321+02:00");
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      insert(
          c,
          "INSERT INTO account (id, username, username_key, email_ciphertext, email_index,"
              + " email_verified, given_name_ciphertext, family_name_ciphertext, roles, state,"
              + " locked_until, password_hash, password_changed_at, last_login_at, created_at,"
              + " updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
          "a1",
          "ada",
          "ada",
          "ada-ciphertext",
          "idx1",
          true,
          "g-ct",
          null,
          "admin",
          "ACTIVE",
          null,
          "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
          t,
          null,
          t,
          t,
          3L);
      insert(
          c,
          "INSERT INTO account (id, username, username_key, email_ciphertext, email_index,"
              + " email_verified, roles, state, created_at, updated_at, version)"
              + " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
          "a2",
          "bob",
          "bob",
          "bob-ciphertext",
          "idx2",
          false,
          "",
          "DISABLED",
          t,
          t,
          0L);
      insert(
          c,
          "INSERT INTO login_session (id_hash, account_id, csrf_token, created_at, last_seen_at,"
              + " expires_at, remote_ip) VALUES (?,?,?,?,?,?,?)",
          "s1",
          "a1",
          "csrf",
          t,
          t,
          t.plusHours(8),
          "192.0.2.1");
      insert(
          c,
          "INSERT INTO oauth_client (client_id, display_name, client_type, secret_hash,"
              + " redirect_uris, post_logout_redirect_uris, web_origins, grant_types,"
              + " id_token_signed_response_alg, roles_claim, enabled, created_at, updated_at,"
              + " version, callback_url, civicrm_timezone) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
          "cms",
          "Site \"ü\"\nline",
          "CONFIDENTIAL",
          "ab".repeat(32),
          "https://cms.example/cb",
          "",
          "",
          "authorization_code\nrefresh_token",
          "ES256",
          "roles",
          true,
          t,
          t,
          1L,
          "https://crm.example/hook",
          "Europe/Berlin");
      insert(
          c,
          "INSERT INTO signing_key (kid, alg, created_at, private_jwk_ciphertext) VALUES (?,?,?,?)",
          "k1",
          "ES256",
          t,
          "jwk-ciphertext");
      insert(
          c,
          "INSERT INTO payment (id, client_id, reference, amount, currency, description,"
              + " return_url, mode, status, amount_refunded, disputed, idempotency_key,"
              + " request_sha256, created_at, updated_at, callback_sequence)"
              + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
          "pay_1",
          "cms",
          "c-1",
          9_000_000_000L,
          "EUR",
          "Gift",
          "https://cms.example/ok",
          "redirect",
          "succeeded",
          0L,
          false,
          "idem",
          "ff".repeat(32),
          t,
          t,
          2L);
      insert(
          c,
          "INSERT INTO payment_refund (id, payment_id, client_id, amount, status,"
              + " idempotency_key, request_sha256, created_at, updated_at)"
              + " VALUES (?,?,?,?,?,?,?,?,?)",
          "re_1",
          "pay_1",
          "cms",
          100L,
          "pending",
          "idem-r",
          "ee".repeat(32),
          t,
          t);
      for (long id = 1_000_000_000L; id <= 1_000_000_041L; id++) {
        insert(
            c,
            "INSERT INTO security_event (id, occurred_at, event_type, outcome, subject_id,"
                + " detail, chain_seq, chain_hash) VALUES (?,?,?,?,?,?,?,?)",
            id,
            t.plusSeconds(id - 1_000_000_000L),
            "login",
            "success",
            "a1",
            null,
            id - 999_999_999L,
            "cd".repeat(32));
      }
      insert(
          c,
          "UPDATE audit_chain_head SET seq = ?, hash = ?, sealed_at = ? WHERE id = 1",
          42L,
          "cd".repeat(32),
          t);
      c.commit();
    }
  }

  private static void insert(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        if (values[i] == null) {
          p.setNull(i + 1, java.sql.Types.NULL);
        } else {
          p.setObject(i + 1, values[i]);
        }
      }
      p.executeUpdate();
    }
  }

  @Test
  void theSameBytesComeBackFromBinaryColumnsAndText() {
    byte[] bytes = {0, 1, (byte) 0xff};
    assertArrayEquals(
        bytes,
        (byte[])
            ColumnKind.BINARY.parse(
                new com.google.gson.JsonPrimitive(
                    java.util.Base64.getEncoder().encodeToString(bytes))));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void theExportTransactionSeesEveryTableAsOfItsFirstRead(TestDatabase.Kind kind) throws Exception {
    try (TestDatabase db = new TestDatabase(kind);
        Connection reader = db.dataSource().getConnection();
        Connection writer = db.dataSource().getConnection()) {
      reader.setAutoCommit(false);
      reader.setReadOnly(true);
      reader.setTransactionIsolation(BackupWriter.snapshotIsolation(reader));
      try (Statement r = reader.createStatement();
          Statement w = writer.createStatement()) {
        assertEquals(0, count(r, "account"));
        seed(db);
        assertEquals(1, count(w, "payment"), "committed by the writer");
        assertEquals(0, count(r, "payment"), "a table first read after the write: still before it");
        assertEquals(0, count(r, "account"));
      }
      reader.commit();
    }
  }

  private static long count(Statement s, String table) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
