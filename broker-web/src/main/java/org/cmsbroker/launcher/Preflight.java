package org.cmsbroker.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Checks made before boot, so that a taken port or an unreachable database stops start-up with one
 * line instead of a stack trace from inside Payara.
 */
final class Preflight {
  private Preflight() {}

  /** Fails when the port cannot be bound on the address. */
  static void portFree(String setting, InetAddress address, int port) throws ConfigException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw new ConfigException(
          setting,
          "port "
              + port
              + " on "
              + address.getHostAddress()
              + " cannot be used ("
              + SettingsLoader.describe(e)
              + "); is another server running?");
    }
  }

  /**
   * Connects once to the database with the JDBC drivers shipped in {@code lib/jdbc/}, loaded in a
   * class loader of their own so they never shadow the WAR's copies.
   */
  static void databaseReachable(LauncherSettings settings, Path jdbcDir) throws ConfigException {
    List<URL> jars = new ArrayList<>();
    if (Files.isDirectory(jdbcDir)) {
      try (Stream<Path> files = Files.list(jdbcDir)) {
        for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
          jars.add(jar.toUri().toURL());
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot list " + jdbcDir, e);
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(jars.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      Driver driver = null;
      for (Driver candidate : ServiceLoader.load(Driver.class, loader)) {
        if (candidate.acceptsURL(settings.dbUrl())) {
          driver = candidate;
          break;
        }
      }
      if (driver == null) {
        throw new ConfigException(
            "BROKER_DB_URL", "no JDBC driver shipped with the broker accepts this URL");
      }
      Properties properties = new Properties();
      if (!settings.dbUser().isEmpty()) {
        properties.setProperty("user", settings.dbUser());
      }
      properties.setProperty("password", settings.dbPassword());
      properties.setProperty("connectTimeout", "10");
      properties.setProperty("loginTimeout", "10");
      try (Connection connection = driver.connect(settings.dbUrl(), properties)) {
        if (connection == null || !connection.isValid(10)) {
          throw new ConfigException("BROKER_DB_URL", "cannot connect to the database");
        }
      }
    } catch (SQLException e) {
      throw new ConfigException(
          "BROKER_DB_URL", "cannot connect to the database: " + safeMessage(e, settings));
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot close the driver class loader", e);
    }
  }

  /** The driver's first line, without the password if a driver ever echoed it. */
  static String safeMessage(SQLException e, LauncherSettings settings) {
    String message = SettingsLoader.describe(e);
    if (!settings.dbPassword().isEmpty()) {
      message = message.replace(settings.dbPassword(), "****");
    }
    // H2 appends its version and error code in brackets: noise for an operator.
    int bracket = message.indexOf(" [");
    if (bracket > 0) {
      message = message.substring(0, bracket);
    }
    return SettingsLoader.printable(message.replaceAll("\\s+", " "));
  }
}
