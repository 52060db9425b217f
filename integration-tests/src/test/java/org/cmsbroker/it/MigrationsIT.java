package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.persistence.DatabaseMigrator;
import org.cmsbroker.persistence.DriverDataSource;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

/** The broker's migrations, exactly as the server runs them, on H2 (file mode) and PostgreSQL. */
class MigrationsIT {

  private static DataSource dataSource(String url, String user) {
    DriverDataSource ds = new DriverDataSource();
    ds.setUrl(url);
    ds.setUser(user);
    ds.setPassword("");
    return ds;
  }

  private static void assertSchema(DataSource ds) throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO security_event (occurred_at, event_type, outcome) "
              + "VALUES (CURRENT_TIMESTAMP, 'test.event', 'success')");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM security_event")) {
        rs.next();
        assertEquals(1, rs.getInt(1));
      }
    }
  }

  @Test
  void migrationsRunOnH2FileDatabase() throws Exception {
    String url = DriverDataSource.defaultUrl(BrokerHome.freshDirectory("h2"));
    DataSource ds = dataSource(url, DriverDataSource.DEFAULT_USER);
    MigrateResult first = DatabaseMigrator.migrateSchema(ds, getClass().getClassLoader());
    assertTrue(first.migrationsExecuted >= 1);
    assertEquals(
        0, DatabaseMigrator.migrateSchema(ds, getClass().getClassLoader()).migrationsExecuted);
    assertSchema(ds);
  }

  @Test
  void migrationsRunOnPostgres() throws Exception {
    String schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String base = "jdbc:postgresql://127.0.0.1:5432/test";
    try (Connection c = DriverManager.getConnection(base, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    try {
      DataSource ds = dataSource(base + "?currentSchema=" + schema, "postgres");
      MigrateResult first = DatabaseMigrator.migrateSchema(ds, getClass().getClassLoader());
      assertTrue(first.migrationsExecuted >= 1);
      assertEquals(
          0, DatabaseMigrator.migrateSchema(ds, getClass().getClassLoader()).migrationsExecuted);
      assertSchema(ds);
    } finally {
      try (Connection c = DriverManager.getConnection(base, "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }
}
