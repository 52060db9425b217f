package org.cmsbroker.it.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** A fresh schema in the test PostgreSQL (127.0.0.1:5432, database test), dropped at close. */
public final class PostgresSchema implements AutoCloseable {
  public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
  public static final String USER = "postgres";
  private final String name;

  public PostgresSchema() throws SQLException {
    name = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(SERVER, USER, "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + name);
    }
  }

  public String name() {
    return name;
  }

  public String url() {
    return SERVER + "?currentSchema=" + name;
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), USER, "");
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = DriverManager.getConnection(SERVER, USER, "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
  }
}
