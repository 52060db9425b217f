package org.cmsbroker.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.cmsbroker.crypto.TestCiphers;
import org.cmsbroker.persistence.TestDatabase;
import org.cmsbroker.testing.Core;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Account personal fields bound to their row, and legacy rows, on H2 and PostgreSQL. */
class RowBoundFieldsTest {

  private static String create(Core core, String username) {
    return core.call(
        s -> {
          try {
            return s.accounts
                .create(
                    new NewAccount(
                        username, username + "@example.org", true, "Given", "Family", List.of()),
                    "correct horse battery staple".toCharArray())
                .id();
          } catch (AccountException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static String column(Core core, String column, String id) throws Exception {
    try (Connection c = core.database.dataSource().getConnection();
        PreparedStatement q =
            c.prepareStatement("SELECT " + column + " FROM account WHERE id = ?")) {
      q.setString(1, id);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static void set(Core core, String column, String id, String value) throws Exception {
    try (Connection c = core.database.dataSource().getConnection();
        PreparedStatement u =
            c.prepareStatement("UPDATE account SET " + column + " = ? WHERE id = ?")) {
      u.setString(1, value);
      u.setString(2, id);
      assertEquals(1, u.executeUpdate());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void anEmailCopiedToAnotherAccountDoesNotDecrypt(TestDatabase.Kind kind) throws Exception {
    try (Core core = new Core(kind)) {
      String ada = create(core, "ada");
      String eve = create(core, "eve");
      assertTrue(column(core, "email_ciphertext", ada).startsWith("v3:"));

      set(core, "email_ciphertext", eve, column(core, "email_ciphertext", ada));

      assertEquals(
          "ada@example.org", core.call(s -> s.accounts.findById(ada)).orElseThrow().email());
      assertThrows(IllegalStateException.class, () -> core.call(s -> s.accounts.findById(eve)));
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aLegacyAccountIsReadAndRewrittenBoundToItsRowOnItsNextWrite(TestDatabase.Kind kind)
      throws Exception {
    try (Core core = new Core(kind)) {
      String ada = create(core, "ada");
      // As written before row binding: column-bound v1 values.
      set(
          core,
          "email_ciphertext",
          ada,
          TestCiphers.legacyV1(core.masterKey, AccountService.EMAIL, "ada@example.org"));
      set(
          core,
          "given_name_ciphertext",
          ada,
          TestCiphers.legacyV1(core.masterKey, AccountService.GIVEN_NAME, "Ada"));

      AccountView legacy = core.call(s -> s.accounts.findById(ada)).orElseThrow();
      assertEquals("ada@example.org", legacy.email());
      assertEquals("Ada", legacy.givenName());

      core.call(
          s -> {
            try {
              return s.accounts.setDisabled("ada", true);
            } catch (AccountException e) {
              throw new IllegalStateException(e);
            }
          });

      assertTrue(column(core, "email_ciphertext", ada).startsWith("v3:"));
      assertTrue(column(core, "given_name_ciphertext", ada).startsWith("v3:"));
      AccountView after = core.call(s -> s.accounts.findById(ada)).orElseThrow();
      assertEquals("ada@example.org", after.email());
      assertEquals("Ada", after.givenName());
      assertEquals("Family", after.familyName());
      assertEquals(1, core.call(s -> s.accounts.findByEmail("ada@example.org")).size());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void anAccountWithAPlainUsernameIsFoundAndEncryptedOnItsNextWrite(TestDatabase.Kind kind)
      throws Exception {
    try (Core core = new Core(kind)) {
      String grace = create(core, "grace");
      assertTrue(column(core, "username", grace).startsWith("v3:"));
      assertEquals(
          AccountService.usernameIndex(core.cipher, "grace"), column(core, "username_key", grace));
      // As written before usernames were encrypted.
      set(core, "username", grace, "Grace");
      set(core, "username_key", grace, "grace");

      assertEquals(
          "Grace", core.call(s -> s.accounts.findByUsername("GRACE")).orElseThrow().username());
      assertEquals(grace, core.call(s -> s.accounts.findIdByUsername("grace")).orElseThrow());
      core.call(
          s -> {
            try {
              return s.accounts.setDisabled("grace", true);
            } catch (AccountException e) {
              throw new IllegalStateException(e);
            }
          });

      assertTrue(column(core, "username", grace).startsWith("v3:"));
      assertEquals(
          AccountService.usernameIndex(core.cipher, "grace"), column(core, "username_key", grace));
      assertEquals(
          "Grace", core.call(s -> s.accounts.findByUsername("grace")).orElseThrow().username());
      assertThrows(
          AccountException.class,
          () -> {
            try {
              core.call(
                  s -> {
                    try {
                      return s.accounts.create(
                          new NewAccount("GRACE", "g@example.org", true, null, null, List.of()),
                          "correct horse battery staple".toCharArray());
                    } catch (AccountException e) {
                      throw new IllegalStateException(e);
                    }
                  });
            } catch (IllegalStateException e) {
              throw e.getCause();
            }
          });
    }
  }
}
