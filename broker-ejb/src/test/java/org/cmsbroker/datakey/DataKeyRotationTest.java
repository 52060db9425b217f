package org.cmsbroker.datakey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cmsbroker.account.AccountException;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.NewAccount;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.crypto.FieldCipher;
import org.cmsbroker.crypto.TestCiphers;
import org.cmsbroker.persistence.TestDatabase;
import org.cmsbroker.testing.Core;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code admin rotate-data-key}'s re-encryption on H2 and PostgreSQL: every value of every
 * encrypted column ends under the new key and still decrypts, older formats and plain old rows
 * included, across several batches; a value copied to another row still does not decrypt.
 */
class DataKeyRotationTest {
  private static final int ACCOUNTS = DataKeyRotation.BATCH + 30;

  static List<String> databases() {
    return TestDatabase.names().toList();
  }

  private static DataKeyRotation.Batches batches(TestDatabase db, FieldCipher cipher) {
    return new DataKeyRotation.Batches() {
      @Override
      public DataKeyRotation.Batch run(
          EncryptedColumn column, String keyId, String after, int size) {
        return db.inTransaction(
            em -> DataKeyRotation.batch(em, cipher, column, keyId, after, size));
      }

      @Override
      public long remaining(EncryptedColumn column, String keyId) {
        return db.inTransaction(em -> DataKeyRotation.remaining(em, column, keyId));
      }
    };
  }

  private static void insertAccount(Connection c, FieldCipher cipher, String id, String email)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO account (id, username, username_key, email_ciphertext, email_index,"
                + " email_verified, given_name_ciphertext, roles, state, created_at, updated_at,"
                + " version) VALUES (?, ?, ?, ?, ?, TRUE, ?, '', 'ACTIVE', ?, ?, 0)")) {
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
      s.setString(1, id);
      s.setString(2, id);
      s.setString(3, id);
      s.setString(4, cipher.encrypt(AccountService.EMAIL, id, email));
      s.setString(5, cipher.index(AccountService.EMAIL, email));
      s.setString(6, cipher.encrypt(AccountService.GIVEN_NAME, id, "Given " + id));
      s.setObject(7, now);
      s.setObject(8, now);
      s.executeUpdate();
    }
  }

  private static void insertClient(Connection c, String clientId, String callbackSecret)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO oauth_client (client_id, display_name, client_type, redirect_uris,"
                + " post_logout_redirect_uris, web_origins, grant_types,"
                + " id_token_signed_response_alg, roles_claim, enabled, created_at, updated_at,"
                + " version, callback_secret) VALUES (?, 'Site', 'CONFIDENTIAL', '', '', '',"
                + " 'authorization_code', 'ES256', 'roles', TRUE, ?, ?, 0, ?)")) {
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
      s.setString(1, clientId);
      s.setObject(2, now);
      s.setObject(3, now);
      s.setString(4, callbackSecret);
      s.executeUpdate();
    }
  }

  private static void update(Connection c, String sql, String... values) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        s.setString(i + 1, values[i]);
      }
      assertEquals(1, s.executeUpdate(), sql);
    }
  }

  /** Every non-null value of every encrypted column, by "table.column id". */
  private static Map<String, String> allValues(Connection c) throws SQLException {
    Map<String, String> values = new HashMap<>();
    try (Statement s = c.createStatement()) {
      for (EncryptedColumn column : EncryptedColumns.ALL) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT "
                    + column.idColumn()
                    + ", "
                    + column.column()
                    + " FROM "
                    + column.table()
                    + " WHERE "
                    + column.column()
                    + " IS NOT NULL")) {
          while (rs.next()) {
            values.put(column.name() + " " + rs.getString(1), rs.getString(2));
          }
        }
      }
    }
    return values;
  }

  private static String decrypt(FieldCipher cipher, String key, String stored) {
    String[] parts = key.split(" ", 2);
    EncryptedColumn column =
        EncryptedColumns.ALL.stream()
            .filter(c -> c.name().equals(parts[0]))
            .findFirst()
            .orElseThrow();
    return cipher.decrypt(column.fieldOf(parts[1]), parts[1], stored);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void afterARotationEveryValueIsUnderTheNewKeyAndStillDecrypts(String database) throws Exception {
    try (Core core = new Core(TestDatabase.Kind.valueOf(database.toUpperCase()))) {
      FieldCipher cipher = core.cipher;
      String oldKey = cipher.dataKeys().currentId();
      Map<String, String> expected = new HashMap<>();
      String ada =
          core.call(
              s -> {
                try {
                  return s.accounts
                      .create(
                          new NewAccount("ada", "ada@example.org", true, "Ada", "L", List.of()),
                          "correct horse battery staple".toCharArray())
                      .id();
                } catch (AccountException e) {
                  throw new IllegalStateException(e);
                }
              });
      expected.put("account.username " + ada, "ada");
      expected.put("account.email_ciphertext " + ada, "ada@example.org");
      expected.put("account.given_name_ciphertext " + ada, "Ada");
      expected.put("account.family_name_ciphertext " + ada, "L");
      String sessionHash = core.call(s -> s.sessions.create(ada, "192.0.2.7")).session().idHash();
      expected.put("login_session.remote_ip " + sessionHash, "192.0.2.7");
      try (Connection c = core.database.dataSource().getConnection()) {
        for (int i = 0; i < ACCOUNTS; i++) {
          String id = String.format("acct-%04d", i);
          insertAccount(c, cipher, id, "user" + i + "@example.org");
          // Inserted as older brokers did: the username and its key plain.
          expected.put("account.username " + id, id);
          expected.put("account.email_ciphertext " + id, "user" + i + "@example.org");
          expected.put("account.given_name_ciphertext " + id, "Given " + id);
        }
        // As older brokers wrote them: a v2 email, a v1 per-client secret, a plain session row.
        update(
            c,
            "UPDATE account SET email_ciphertext = ? WHERE id = ?",
            TestCiphers.legacyV2(core.masterKey, AccountService.EMAIL, "acct-0001", "v2@x.org"),
            "acct-0001");
        expected.put("account.email_ciphertext acct-0001", "v2@x.org");
        insertClient(
            c,
            "site-a",
            TestCiphers.legacyV1(
                core.masterKey, ClientService.CALLBACK_SECRET + "site-a", "whsec_legacy"));
        expected.put("oauth_client.callback_secret site-a", "whsec_legacy");
        update(
            c,
            "UPDATE login_session SET csrf_token = ?, remote_ip = ? WHERE id_hash = ?",
            "plain-csrf-token",
            "198.51.100.1",
            sessionHash);
        expected.put("login_session.csrf_token " + sessionHash, "plain-csrf-token");
        expected.put("login_session.remote_ip " + sessionHash, "198.51.100.1");
      }

      String newKey = cipher.dataKeys().rotate();
      assertNotEquals(oldKey, newKey);
      DataKeyRotation.Report report =
          DataKeyRotation.reencryptAll(batches(core.database, cipher), newKey, Duration.ZERO);

      assertEquals(List.of(), report.failed());
      assertEquals(0, report.remaining());
      assertEquals(expected.size(), report.rewritten());
      // Read back by another instance that knows the keys only from the database.
      FieldCipher other = TestCiphers.on(core.database, core.masterKey, Core.RANDOM);
      try (Connection c = core.database.dataSource().getConnection()) {
        Map<String, String> stored = allValues(c);
        assertEquals(expected.keySet(), stored.keySet());
        for (Map.Entry<String, String> e : stored.entrySet()) {
          assertTrue(
              e.getValue().startsWith(FieldCipher.prefix(newKey)), e.getKey() + " under new key");
          assertEquals(expected.get(e.getKey()), decrypt(other, e.getKey(), e.getValue()));
        }
        assertEquals(2, other.dataKeys().ids().size());

        // A value copied to another row still does not decrypt.
        update(
            c,
            "UPDATE account SET email_ciphertext = ? WHERE id = ?",
            stored.get("account.email_ciphertext acct-0002"),
            "acct-0003");
      }
      assertThrows(
          IllegalStateException.class, () -> core.call(s -> s.accounts.findById("acct-0003")));
      assertEquals(
          "user2@example.org",
          core.call(s -> s.accounts.findById("acct-0002")).orElseThrow().email());
      assertEquals(
          "acct-0005",
          core.call(s -> s.accounts.findByUsername("ACCT-0005")).orElseThrow().username());
      try (Connection c = core.database.dataSource().getConnection();
          PreparedStatement q =
              c.prepareStatement("SELECT username_key FROM account WHERE id = 'acct-0005'")) {
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          assertEquals(
              AccountService.usernameIndex(cipher, "acct-0005"),
              rs.getString(1),
              "the blind index replaced the plain key");
        }
      }
      assertEquals(
          "plain-csrf-token",
          core.call(s -> s.sessions.findLive(sessionHash)).orElseThrow().csrfToken());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aValueThatDoesNotDecryptIsReportedByRowAndLeftAsItIs(String database) throws Exception {
    try (Core core = new Core(TestDatabase.Kind.valueOf(database.toUpperCase()))) {
      FieldCipher cipher = core.cipher;
      try (Connection c = core.database.dataSource().getConnection()) {
        insertAccount(c, cipher, "acct-a", "a@example.org");
        insertAccount(c, cipher, "acct-b", "b@example.org");
        update(
            c,
            "UPDATE account SET email_ciphertext = ? WHERE id = ?",
            cipher.encrypt(AccountService.EMAIL, "acct-a", "a@example.org"),
            "acct-b");
      }
      String newKey = cipher.dataKeys().rotate();

      DataKeyRotation.Report report =
          DataKeyRotation.reencryptAll(batches(core.database, cipher), newKey, Duration.ZERO);

      assertEquals(List.of("account.email_ciphertext acct-b"), report.failed());
      assertEquals(1, report.remaining());
      assertEquals(5, report.rewritten());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aSessionMadeAfterTheRotationIsAlreadyUnderTheNewKey(String database) throws Exception {
    try (Core core = new Core(TestDatabase.Kind.valueOf(database.toUpperCase()))) {
      try (Connection c = core.database.dataSource().getConnection()) {
        insertAccount(c, core.cipher, "acct-a", "a@example.org");
      }
      String newKey = core.cipher.dataKeys().rotate();
      String hash = core.call(s -> s.sessions.create("acct-a", "192.0.2.1")).session().idHash();
      try (Connection c = core.database.dataSource().getConnection();
          PreparedStatement q =
              c.prepareStatement("SELECT csrf_token FROM login_session WHERE id_hash = ?")) {
        q.setString(1, hash);
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          assertTrue(rs.getString(1).startsWith(FieldCipher.prefix(newKey)));
        }
      }
    }
  }
}
