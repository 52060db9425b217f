package org.cmsbroker.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class DriverDataSourceTest {

  private static String memoryUrl() {
    return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  }

  private static String currentUser(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT CURRENT_USER")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void opensConnectionThroughTheDriverThatAcceptsTheUrl() throws SQLException {
    DriverDataSource dataSource = new DriverDataSource();
    dataSource.setUrl(memoryUrl());

    try (Connection connection = dataSource.getConnection()) {
      assertTrue(connection.isValid(1));
      assertEquals("H2", connection.getMetaData().getDatabaseProductName());
    }
  }

  @Test
  void usesTheConfiguredUserWhenTheContainerPassesEmptyCredentials() throws SQLException {
    DriverDataSource dataSource = new DriverDataSource();
    dataSource.setURL(memoryUrl());
    dataSource.setUser("broker");
    dataSource.setPassword("pw");

    try (Connection connection = dataSource.getConnection("", "")) {
      assertEquals("BROKER", currentUser(connection));
    }
  }

  @Test
  void explicitCredentialsOverrideTheConfiguredOnes() throws SQLException {
    // Without DB_CLOSE_DELAY (only an admin may set it): the owner's connection keeps it open.
    DriverDataSource dataSource = new DriverDataSource();
    dataSource.setUrl("jdbc:h2:mem:" + UUID.randomUUID());
    dataSource.setUser("owner");
    dataSource.setPassword("pw");
    try (Connection owner = dataSource.getConnection();
        Statement statement = owner.createStatement()) {
      statement.execute("CREATE USER other PASSWORD 'other-pw'");

      try (Connection connection = dataSource.getConnection("other", "other-pw")) {
        assertEquals("OTHER", currentUser(connection));
      }
    }
  }

  @Test
  void wrongPasswordIsRefusedByTheDatabase() throws SQLException {
    String url = memoryUrl();
    DriverDataSource owner = new DriverDataSource();
    owner.setUrl(url);
    owner.setUser("owner");
    owner.setPassword("right");
    owner.getConnection().close();

    DriverDataSource intruder = new DriverDataSource();
    intruder.setUrl(url);
    intruder.setUser("owner");
    intruder.setPassword("wrong");

    assertThrows(SQLException.class, intruder::getConnection);
  }

  @Test
  void urlNoDriverAcceptsIsRefusedWithoutEchoingTheUrl() {
    DriverDataSource dataSource = new DriverDataSource();
    dataSource.setUrl("jdbc:nosuchdb://db.example:1/broker?password=hunter2");

    SQLException e = assertThrows(SQLException.class, dataSource::getConnection);

    assertEquals(
        "No JDBC driver in the application accepts the configured database URL", e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"));
  }

  @Test
  void changingTheUrlPicksTheDriverAgain() throws SQLException {
    DriverDataSource dataSource = new DriverDataSource();
    dataSource.setUrl("jdbc:nosuchdb:x");
    assertThrows(SQLException.class, dataSource::getConnection);

    dataSource.setUrl(memoryUrl());

    try (Connection connection = dataSource.getConnection()) {
      assertTrue(connection.isValid(1));
    }
  }

  @Test
  void defaultUrlIsTheH2FileInsideTheDataDirectory() {
    Path dataDir = Path.of("/var/lib/broker/./data");

    assertEquals(
        "jdbc:h2:file:" + Path.of("/var/lib/broker/data/db/broker"),
        DriverDataSource.defaultUrl(dataDir));
    assertEquals("broker", DriverDataSource.DEFAULT_USER);
  }

  @Test
  void unwrapsToItselfOnly() throws SQLException {
    DriverDataSource dataSource = new DriverDataSource();

    assertSame(dataSource, dataSource.unwrap(DataSource.class));
    assertTrue(dataSource.isWrapperFor(DriverDataSource.class));
    assertFalse(dataSource.isWrapperFor(Connection.class));
    SQLException e = assertThrows(SQLException.class, () -> dataSource.unwrap(Connection.class));
    assertEquals("Not a wrapper for java.sql.Connection", e.getMessage());
  }

  @Test
  void hasNoParentLogger() {
    assertThrows(
        SQLFeatureNotSupportedException.class, () -> new DriverDataSource().getParentLogger());
  }

  @Test
  void remembersLoginTimeout() {
    DriverDataSource dataSource = new DriverDataSource();
    dataSource.setLoginTimeout(7);

    assertEquals(7, dataSource.getLoginTimeout());
  }
}
