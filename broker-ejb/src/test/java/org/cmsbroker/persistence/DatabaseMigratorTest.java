package org.cmsbroker.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DatabaseMigratorTest {
  private DriverDataSource dataSource;

  @BeforeEach
  void emptyDatabase() {
    dataSource = new DriverDataSource();
    dataSource.setUrl("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    dataSource.setUser("broker");
  }

  private boolean tableExists(String table) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        ResultSet rs =
            connection
                .getMetaData()
                .getTables(null, null, table.toUpperCase(java.util.Locale.ROOT), null)) {
      return rs.next();
    }
  }

  @Test
  void migrationCreatesSecurityEventTable() throws SQLException {
    MigrateResult result =
        DatabaseMigrator.migrateSchema(dataSource, DatabaseMigrator.class.getClassLoader());

    assertTrue(result.success);
    assertTrue(result.migrationsExecuted >= 1);
    assertTrue(tableExists("security_event"));
  }

  @Test
  void secondMigrationAppliesNothing() {
    MigrateResult first =
        DatabaseMigrator.migrateSchema(dataSource, DatabaseMigrator.class.getClassLoader());

    MigrateResult second =
        DatabaseMigrator.migrateSchema(dataSource, DatabaseMigrator.class.getClassLoader());

    assertEquals(0, second.migrationsExecuted);
    assertEquals(first.targetSchemaVersion, second.initialSchemaVersion);
  }

  @Test
  void securityEventTableAcceptsAnEventWithGeneratedId() throws SQLException {
    DatabaseMigrator.migrateSchema(dataSource, DatabaseMigrator.class.getClassLoader());

    try (Connection connection = dataSource.getConnection()) {
      int rows =
          connection
              .createStatement()
              .executeUpdate(
                  "INSERT INTO security_event (occurred_at, event_type, outcome)"
                      + " VALUES (CURRENT_TIMESTAMP, 'login', 'success')");
      assertEquals(1, rows);
      try (ResultSet rs =
          connection.createStatement().executeQuery("SELECT id FROM security_event")) {
        assertTrue(rs.next());
        assertEquals(1L, rs.getLong(1));
      }
    }
  }
}
