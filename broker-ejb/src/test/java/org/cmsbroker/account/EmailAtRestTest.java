package org.cmsbroker.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cmsbroker.persistence.TestDatabase;
import org.cmsbroker.testing.Core;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An account's email address, its names and its username (here an address too) cannot be read
 * anywhere in the database.
 */
class EmailAtRestTest {
  private static final String EMAIL = "Ada.Lovelace@Analytical-Engine.example";

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void noColumnOfAnyTableHoldsTheAddressOrTheNames(TestDatabase.Kind kind) throws Exception {
    try (Core core = new Core(kind)) {
      String id =
          core.call(
              s -> {
                try {
                  return s.accounts
                      .create(
                          new NewAccount(EMAIL, EMAIL, true, "Augusta", "Byron", List.of()),
                          "correct horse battery staple".toCharArray())
                      .id();
                } catch (AccountException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertEquals(EMAIL, core.call(s -> s.accounts.findById(id)).orElseThrow().email());
      // An address used as the username is found case-insensitively, and not readable either.
      assertEquals(
          id,
          core.call(s -> s.accounts.findByUsername(EMAIL.toUpperCase(Locale.ROOT)))
              .orElseThrow()
              .id());

      List<String> readable = new ArrayList<>();
      int scanned = 0;
      try (Connection c = core.database.dataSource().getConnection();
          Statement s = c.createStatement()) {
        List<String[]> columns = new ArrayList<>();
        try (ResultSet rs =
            s.executeQuery(
                "SELECT table_name, column_name FROM information_schema.columns"
                    + " WHERE table_schema = current_schema")) {
          while (rs.next()) {
            columns.add(new String[] {rs.getString(1), rs.getString(2)});
          }
        }
        for (String[] column : columns) {
          try (ResultSet rs =
              s.executeQuery("SELECT \"" + column[1] + "\" FROM \"" + column[0] + "\"")) {
            while (rs.next()) {
              String value = rs.getString(1);
              scanned++;
              if (value == null) {
                continue;
              }
              String lower = value.toLowerCase(Locale.ROOT);
              for (String part : List.of("lovelace", "analytical-engine", "augusta", "byron")) {
                if (lower.contains(part)) {
                  readable.add(column[0] + "." + column[1] + " holds " + part);
                }
              }
            }
          }
        }
      }
      assertTrue(scanned > 0);
      assertEquals(List.of(), readable);
    }
  }
}
