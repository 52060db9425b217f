package org.cmsbroker.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.cmsbroker.config.SettingNames;
import org.cmsbroker.settings.BrokerSettings;
import org.cmsbroker.settings.ClusterName;
import org.cmsbroker.settings.InvalidSettingException;
import org.cmsbroker.settings.Rules;
import org.cmsbroker.settings.Setting;
import org.cmsbroker.settings.SettingSource;

/**
 * Resolves the launcher's settings the way MicroProfile Config does inside the server: system
 * property ({@code broker.https.port}) over environment variable ({@code BROKER_HTTPS_PORT}) over
 * {@code broker.properties} in the data directory, over the default. Validates every value and
 * reports the first problem as a {@link ConfigException} naming the setting.
 */
public final class SettingsLoader {
  // The names and rules live once, in org.cmsbroker.settings (broker-ejb), copied into broker.jar.
  static final String DATA_DIR = BrokerSettings.DATA_DIR.name();
  static final String HTTPS_PORT = BrokerSettings.HTTPS_PORT.name();
  static final String HTTP_PORT = BrokerSettings.HTTP_PORT.name();
  static final String PUBLIC_URL = BrokerSettings.PUBLIC_URL.name();
  static final String DB_URL = BrokerSettings.DB_URL.name();
  static final String DB_USER = BrokerSettings.DB_USER.name();
  static final String DB_PASSWORD = BrokerSettings.DB_PASSWORD.name();
  static final String MAX_BODY_BYTES = BrokerSettings.MAX_BODY_BYTES.name();
  static final String PROPERTIES_FILE = SettingNames.PROPERTIES_FILE;

  private final Map<String, String> systemProperties;
  private final Map<String, String> environment;
  private Map<String, String> file = Map.of();

  public SettingsLoader(Map<String, String> systemProperties, Map<String, String> environment) {
    this.systemProperties = Map.copyOf(systemProperties);
    this.environment = Map.copyOf(environment);
  }

  /** From this JVM's system properties and environment. */
  public static SettingsLoader fromProcess() {
    Map<String, String> props = new HashMap<>();
    System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    return new SettingsLoader(props, System.getenv());
  }

  /** The environment-variable form of a setting, used in every message. */
  public static String env(String name) {
    return Setting.environmentName(name);
  }

  private Optional<String> raw(String name) {
    String value = systemProperties.get(name);
    if (value == null) {
      value = environment.get(env(name));
    }
    if (value == null) {
      value = file.get(name);
    }
    // As in MicroProfile Config, an empty value means "not set".
    return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
  }

  /**
   * The configured master key ({@code BROKER_MASTER_KEY}), if any; read {@link #load()} first so
   * that {@code broker.properties} is consulted too. Never printed.
   */
  public Optional<String> masterKey() {
    return raw(BrokerSettings.MASTER_KEY.name());
  }

  /** Resolves and validates all settings, by the rules of {@link BrokerSettings}. */
  public LauncherSettings load() throws ConfigException {
    try {
      Path dataDir = Path.of(BrokerSettings.DATA_DIR.value(this::raw)).toAbsolutePath().normalize();
      file = readPropertiesFile(dataDir.resolve(PROPERTIES_FILE));
      SettingSource source = this::raw;
      BrokerSettings.check(source);
      Optional<Path> cert =
          BrokerSettings.TLS_CERT.read(source).map(p -> Path.of(p).toAbsolutePath().normalize());
      Optional<Path> key =
          BrokerSettings.TLS_KEY.read(source).map(p -> Path.of(p).toAbsolutePath().normalize());
      Optional<String> dbUrl = BrokerSettings.DB_URL.read(source);
      String url = dbUrl.orElse("jdbc:h2:file:" + dataDir.resolve("db").resolve("broker"));
      String user = BrokerSettings.DB_USER.read(source).orElse(dbUrl.isPresent() ? "" : "broker");
      String password = BrokerSettings.DB_PASSWORD.read(source).orElse("");
      return new LauncherSettings(
          dataDir,
          BrokerSettings.HTTPS_PORT.value(source),
          BrokerSettings.HTTP_PORT.value(source),
          BrokerSettings.BIND_ADDRESS.value(source),
          BrokerSettings.publicUrl(source),
          cert,
          key,
          url,
          user,
          password,
          BrokerSettings.MAX_BODY_BYTES.value(source),
          cluster(source));
    } catch (InvalidSettingException e) {
      throw new ConfigException(e.environmentName(), e.problem());
    }
  }

  /** The data grid, when members are configured (the check made sure the secret is there). */
  private static Optional<LauncherSettings.Cluster> cluster(SettingSource source) {
    if (!BrokerSettings.isClustered(source)) {
      return Optional.empty();
    }
    return Optional.of(
        new LauncherSettings.Cluster(
            BrokerSettings.CLUSTER_MEMBERS.value(source),
            BrokerSettings.CLUSTER_INTERFACE.read(source),
            BrokerSettings.CLUSTER_PORT.value(source),
            ClusterName.of(BrokerSettings.CLUSTER_SECRET.value(source))));
  }

  private static Map<String, String> readPropertiesFile(Path path) throws ConfigException {
    if (!Files.exists(path)) {
      return Map.of();
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(path)) {
      properties.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(env(DATA_DIR), "cannot read " + path + ": " + describe(e));
    }
    Map<String, String> map = new HashMap<>();
    properties.stringPropertyNames().forEach(n -> map.put(n, properties.getProperty(n)));
    return map;
  }

  /** A value shortened and stripped of control characters, safe to echo in one line. */
  static String printable(String value) {
    return Rules.printable(value);
  }

  static String describe(Exception e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    String firstLine = message.lines().findFirst().orElse(message).trim();
    return e instanceof java.nio.file.NoSuchFileException
        ? "no such file"
        : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : firstLine;
  }
}
