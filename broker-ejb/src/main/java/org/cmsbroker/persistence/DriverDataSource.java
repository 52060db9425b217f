package org.cmsbroker.persistence;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.cmsbroker.config.SettingNames;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A {@link DataSource} over whichever JDBC driver in the application accepts the configured URL, so
 * that one {@code @DataSourceDefinition} serves H2, PostgreSQL or any other database whose driver
 * is packaged. The container pools it; this class only opens physical connections.
 *
 * <p>The URL, user and password come from MicroProfile Config ({@code broker.db.url}, {@code
 * broker.db.user}, {@code broker.db.password}) unless set through the bean setters. Thread-safe
 * after configuration.
 */
public class DriverDataSource implements DataSource {
  private volatile String url;
  private volatile String user;
  private volatile String password;
  private volatile Driver driver;
  private int loginTimeout;

  /** The H2 database inside the data directory, used when no URL is configured. */
  public static String defaultUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("db").resolve("broker");
  }

  /** The user name used with the default H2 database. */
  public static final String DEFAULT_USER = "broker";

  public void setUrl(String url) {
    this.url = url;
    this.driver = null;
  }

  public void setURL(String url) {
    setUrl(url);
  }

  /** An empty value (as a {@code @DataSourceDefinition} without a user passes) means unset. */
  public void setUser(String user) {
    this.user = user == null || user.isEmpty() ? null : user;
  }

  /** An empty value means unset. */
  public void setPassword(String password) {
    this.password = password == null || password.isEmpty() ? null : password;
  }

  private String url() {
    if (url == null) {
      Config config = ConfigProvider.getConfig(DriverDataSource.class.getClassLoader());
      Optional<String> configured = config.getOptionalValue(SettingNames.DB_URL, String.class);
      url =
          configured.orElseGet(
              () ->
                  defaultUrl(
                      Path.of(
                          config
                              .getOptionalValue(SettingNames.DATA_DIR, String.class)
                              .orElse(SettingNames.DEFAULT_DATA_DIR))));
      if (user == null) {
        user =
            config
                .getOptionalValue(SettingNames.DB_USER, String.class)
                .orElse(configured.isPresent() ? null : DEFAULT_USER);
      }
      if (password == null) {
        password = config.getOptionalValue(SettingNames.DB_PASSWORD, String.class).orElse("");
      }
    }
    return url;
  }

  private Driver driver() throws SQLException {
    Driver found = driver;
    if (found != null) {
      return found;
    }
    String jdbcUrl = url();
    for (Driver candidate :
        ServiceLoader.load(Driver.class, DriverDataSource.class.getClassLoader())) {
      if (candidate.acceptsURL(jdbcUrl)) {
        driver = candidate;
        return candidate;
      }
    }
    // Never echo the URL: it may carry a password.
    throw new SQLException("No JDBC driver in the application accepts the configured database URL");
  }

  @Override
  public Connection getConnection() throws SQLException {
    return getConnection(null, null);
  }

  /**
   * Opens a connection; a null or empty user or password (the container passes the empty ones of a
   * {@code @DataSourceDefinition}) means the configured one.
   */
  @Override
  public Connection getConnection(String username, String pass) throws SQLException {
    Driver d = driver();
    if (username == null || username.isEmpty()) {
      username = user;
    }
    if (pass == null || pass.isEmpty()) {
      pass = password;
    }
    Properties properties = new Properties();
    if (username != null) {
      properties.setProperty("user", username);
    }
    if (pass != null) {
      properties.setProperty("password", pass);
    }
    Connection connection = d.connect(url(), properties);
    if (connection == null) {
      throw new SQLException("The JDBC driver refused the configured database URL");
    }
    return connection;
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // Drivers log through their own loggers.
  }

  @Override
  public void setLoginTimeout(int seconds) {
    this.loginTimeout = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeout;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("Not a wrapper for " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
