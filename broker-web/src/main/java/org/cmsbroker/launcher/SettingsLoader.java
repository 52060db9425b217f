package org.cmsbroker.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * Resolves the launcher's settings the way MicroProfile Config does inside the server: system
 * property ({@code broker.https.port}) over environment variable ({@code BROKER_HTTPS_PORT}) over
 * {@code broker.properties} in the data directory, over the default. Validates every value and
 * reports the first problem as a {@link ConfigException} naming the setting.
 */
public final class SettingsLoader {
  // Names as in org.cmsbroker.config.SettingNames (the launcher cannot see broker-ejb's classes).
  static final String DATA_DIR = "broker.data.dir";
  static final String HTTPS_PORT = "broker.https.port";
  static final String HTTP_PORT = "broker.http.port";
  static final String BIND_ADDRESS = "broker.bind.address";
  static final String PUBLIC_URL = "broker.public.url";
  static final String TLS_CERT = "broker.tls.cert";
  static final String TLS_KEY = "broker.tls.key";
  static final String DB_URL = "broker.db.url";
  static final String DB_USER = "broker.db.user";
  static final String DB_PASSWORD = "broker.db.password";
  static final String MAX_BODY_BYTES = "broker.max.body.bytes";
  static final String PROPERTIES_FILE = "broker.properties";
  static final String MASTER_KEY = "broker.master.key";
  static final String SESSION_IDLE_MINUTES = "broker.session.idle.minutes";
  static final String SESSION_ABSOLUTE_HOURS = "broker.session.absolute.hours";
  static final String LOGIN_ALLOW_PLAINTEXT = "broker.login.allow.plaintext";
  static final String LOGIN_KEY_ROTATION_HOURS = "broker.login.key.rotation.hours";
  static final String PASSWORD_LETTERS_AND_NUMBERS = "broker.password.letters.and.numbers";
  static final String SMTP_PORT = "broker.smtp.port";
  static final String SMTP_SECURITY = "broker.smtp.security";
  static final String SIGNING_KEY_ROTATION_DAYS = "broker.signing.key.rotation.days";
  static final String ACCESS_TOKEN_LIFETIME = "broker.token.access.lifetime.seconds";
  static final String ID_TOKEN_LIFETIME = "broker.token.id.lifetime.seconds";
  static final String STRIPE_SECRET_KEY = "broker.stripe.secret.key";
  static final String STRIPE_WEBHOOK_SECRET = "broker.stripe.webhook.secret";
  static final String STRIPE_API_BASE = "broker.stripe.api.base";
  static final String STRIPE_PUBLISHABLE_KEY = "broker.stripe.publishable.key";
  static final String PAYMENT_CURRENCIES = "broker.payment.currencies";
  static final String PAYMENT_AMOUNT_MIN = "broker.payment.amount.min";
  static final String PAYMENT_AMOUNT_MAX = "broker.payment.amount.max";
  static final String PAYMENT_RATE_CLIENT = "broker.payment.rate.client.per.minute";
  static final String PAYMENT_RATE_IP = "broker.payment.rate.ip.per.minute";
  static final String PAY_PAGE_RATE_IP = "broker.pay.page.rate.ip.per.minute";
  static final String PAY_PAGE_RATE_CLIENT = "broker.pay.page.rate.client.per.minute";

  /** Stripe's largest amount in minor units, the default of the amount maximum. */
  static final long STRIPE_MAX_AMOUNT = 99_999_999L;

  static final long MAX_RATE_PER_MINUTE = 100_000;
  static final String CALLBACK_POLL_INTERVAL = "broker.callback.poll.interval";
  static final String CALLBACK_RETRY_BASE = "broker.callback.retry.base";

  static final long MIN_BODY_BYTES = 4 * 1024;
  static final long MAX_BODY_LIMIT = 64L * 1024 * 1024;

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
    return name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
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

  /** Resolves and validates all settings. */
  public LauncherSettings load() throws ConfigException {
    Path dataDir = Path.of(raw(DATA_DIR).orElse("./broker-data")).toAbsolutePath().normalize();
    file = readPropertiesFile(dataDir.resolve(PROPERTIES_FILE));

    int httpsPort = port(HTTPS_PORT, raw(HTTPS_PORT).orElse("8443"));
    String httpValue = raw(HTTP_PORT).orElse("8080");
    OptionalInt httpPort =
        httpValue.equalsIgnoreCase("off")
            ? OptionalInt.empty()
            : OptionalInt.of(port(HTTP_PORT, httpValue));
    if (httpPort.isPresent() && httpPort.getAsInt() == httpsPort) {
      throw new ConfigException(
          env(HTTP_PORT), "must differ from " + env(HTTPS_PORT) + " (both are " + httpsPort + ")");
    }
    InetAddress bind = bindAddress(raw(BIND_ADDRESS).orElse("0.0.0.0"));
    URI publicUrl = publicUrl(raw(PUBLIC_URL).orElse("https://localhost:" + httpsPort));

    Optional<Path> cert = raw(TLS_CERT).map(p -> Path.of(p).toAbsolutePath().normalize());
    Optional<Path> key = raw(TLS_KEY).map(p -> Path.of(p).toAbsolutePath().normalize());
    if (cert.isPresent() && key.isEmpty()) {
      throw new ConfigException(env(TLS_KEY), "must be set when " + env(TLS_CERT) + " is set");
    }
    if (key.isPresent() && cert.isEmpty()) {
      throw new ConfigException(env(TLS_CERT), "must be set when " + env(TLS_KEY) + " is set");
    }

    Optional<String> dbUrl = raw(DB_URL);
    if (dbUrl.isPresent() && !dbUrl.get().startsWith("jdbc:")) {
      throw new ConfigException(env(DB_URL), "is not a JDBC URL (it must start with jdbc:)");
    }
    String url = dbUrl.orElse("jdbc:h2:file:" + dataDir.resolve("db").resolve("broker"));
    String user = raw(DB_USER).orElse(dbUrl.isPresent() ? "" : "broker");
    String password = raw(DB_PASSWORD).orElse("");

    long maxBody = longValue(MAX_BODY_BYTES, raw(MAX_BODY_BYTES).orElse("262144"));
    if (maxBody < MIN_BODY_BYTES || maxBody > MAX_BODY_LIMIT) {
      throw new ConfigException(
          env(MAX_BODY_BYTES),
          "must be between " + MIN_BODY_BYTES + " and " + MAX_BODY_LIMIT + " bytes");
    }
    checkServerSettings();
    return new LauncherSettings(
        dataDir, httpsPort, httpPort, bind, publicUrl, cert, key, url, user, password, maxBody);
  }

  /**
   * Settings the server reads itself: checked here too, so a bad value stops start-up with one line
   * instead of a failed deployment.
   */
  private void checkServerSettings() throws ConfigException {
    Optional<String> masterKey = raw(MASTER_KEY);
    if (masterKey.isPresent()) {
      byte[] bytes;
      try {
        bytes = java.util.Base64.getDecoder().decode(masterKey.get());
      } catch (IllegalArgumentException e) {
        bytes = new byte[0];
      }
      if (bytes.length != 32) {
        // Never echo the value: it is the broker's most important secret.
        throw new ConfigException(
            env(MASTER_KEY),
            "must be 32 random bytes, base64-encoded (for example from openssl rand -base64 32)");
      }
    }
    range(SESSION_IDLE_MINUTES, 1, 24 * 60);
    range(SESSION_ABSOLUTE_HOURS, 1, 24 * 30);
    range(LOGIN_KEY_ROTATION_HOURS, 1, 24 * 30);
    range(SMTP_PORT, 1, 65535);
    range(SIGNING_KEY_ROTATION_DAYS, 1, 365);
    range(ACCESS_TOKEN_LIFETIME, 60, 3600);
    range(ID_TOKEN_LIFETIME, 60, 3600);
    range(CALLBACK_POLL_INTERVAL, 1, 3600);
    range(CALLBACK_RETRY_BASE, 1, 3600);
    for (String flag : List.of(LOGIN_ALLOW_PLAINTEXT, PASSWORD_LETTERS_AND_NUMBERS)) {
      Optional<String> value = raw(flag);
      if (value.isPresent()
          && !value.get().equalsIgnoreCase("true")
          && !value.get().equalsIgnoreCase("false")) {
        throw new ConfigException(
            env(flag), "\"" + printable(value.get()) + "\" is not true or false");
      }
    }
    Optional<String> security = raw(SMTP_SECURITY);
    if (security.isPresent()
        && !List.of("starttls", "tls", "none").contains(security.get().toLowerCase(Locale.ROOT))) {
      throw new ConfigException(env(SMTP_SECURITY), "must be starttls, tls or none");
    }
    checkPaymentSettings();
    if (raw(SESSION_IDLE_MINUTES).isPresent() || raw(SESSION_ABSOLUTE_HOURS).isPresent()) {
      long idle = Long.parseLong(raw(SESSION_IDLE_MINUTES).orElse("30"));
      long absolute = Long.parseLong(raw(SESSION_ABSOLUTE_HOURS).orElse("12"));
      if (idle > absolute * 60) {
        throw new ConfigException(
            env(SESSION_IDLE_MINUTES), "must not be longer than " + env(SESSION_ABSOLUTE_HOURS));
      }
    }
  }

  private void checkPaymentSettings() throws ConfigException {
    Optional<String> secretKey = raw(STRIPE_SECRET_KEY);
    // Never echo a secret: only say what shape it must have.
    if (secretKey.isPresent()
        && !(secretKey.get().startsWith("sk_") || secretKey.get().startsWith("rk_"))) {
      throw new ConfigException(
          env(STRIPE_SECRET_KEY), "must be a Stripe secret or restricted key (sk_... or rk_...)");
    }
    Optional<String> publishableKey = raw(STRIPE_PUBLISHABLE_KEY);
    // The same shape as BrokerConfig checks: the key is written into the payment page.
    if (publishableKey.isPresent()
        && !publishableKey.get().matches("pk_(live|test)_[A-Za-z0-9]{1,250}")) {
      throw new ConfigException(
          env(STRIPE_PUBLISHABLE_KEY),
          "must be a Stripe publishable key (pk_live_... or pk_test_...)");
    }
    Optional<String> webhookSecrets = raw(STRIPE_WEBHOOK_SECRET);
    if (webhookSecrets.isPresent()) {
      for (String secret : webhookSecrets.get().split(",")) {
        if (!secret.trim().startsWith("whsec_")) {
          throw new ConfigException(
              env(STRIPE_WEBHOOK_SECRET),
              "must be one or more comma-separated Stripe webhook secrets (whsec_...)");
        }
      }
    }
    Optional<String> apiBase = raw(STRIPE_API_BASE);
    if (apiBase.isPresent()) {
      URI uri;
      try {
        uri = new URI(apiBase.get());
      } catch (java.net.URISyntaxException e) {
        uri = null;
      }
      if (uri == null
          || uri.getHost() == null
          || !("https".equalsIgnoreCase(uri.getScheme())
              || "http".equalsIgnoreCase(uri.getScheme()))) {
        throw new ConfigException(
            env(STRIPE_API_BASE), "\"" + printable(apiBase.get()) + "\" is not an http(s) URL");
      }
    }
    Optional<String> currencies = raw(PAYMENT_CURRENCIES);
    if (currencies.isPresent()) {
      boolean any = false;
      for (String currency : currencies.get().split(",")) {
        String code = currency.trim();
        if (code.isEmpty()) {
          continue;
        }
        any = true;
        if (!code.matches("[A-Za-z]{3}")) {
          throw new ConfigException(
              env(PAYMENT_CURRENCIES),
              "\""
                  + printable(code)
                  + "\" is not a three-letter ISO 4217 code (for example eur,usd,gbp,chf)");
        }
      }
      if (!any) {
        throw new ConfigException(env(PAYMENT_CURRENCIES), "must name at least one currency");
      }
    }
    range(PAYMENT_AMOUNT_MIN, 1, STRIPE_MAX_AMOUNT);
    range(PAYMENT_AMOUNT_MAX, 1, STRIPE_MAX_AMOUNT);
    long min = Long.parseLong(raw(PAYMENT_AMOUNT_MIN).orElse("50"));
    long max = Long.parseLong(raw(PAYMENT_AMOUNT_MAX).orElse(Long.toString(STRIPE_MAX_AMOUNT)));
    if (min > max) {
      throw new ConfigException(
          env(PAYMENT_AMOUNT_MIN), "must not be larger than " + env(PAYMENT_AMOUNT_MAX));
    }
    for (String rate :
        List.of(PAYMENT_RATE_CLIENT, PAYMENT_RATE_IP, PAY_PAGE_RATE_IP, PAY_PAGE_RATE_CLIENT)) {
      range(rate, 1, MAX_RATE_PER_MINUTE);
    }
  }

  private void range(String name, long min, long max) throws ConfigException {
    Optional<String> value = raw(name);
    if (value.isPresent()) {
      long n = longValue(name, value.get());
      if (n < min || n > max) {
        throw new ConfigException(env(name), "must be between " + min + " and " + max);
      }
    }
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

  private static int port(String name, String value) throws ConfigException {
    try {
      int port = Integer.parseInt(value);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    String off = name.equals(HTTP_PORT) ? " or off" : "";
    throw new ConfigException(
        env(name), "\"" + printable(value) + "\" is not a port number (1-65535" + off + ")");
  }

  private static long longValue(String name, String value) throws ConfigException {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(env(name), "\"" + printable(value) + "\" is not a whole number");
    }
  }

  private static InetAddress bindAddress(String value) throws ConfigException {
    try {
      return InetAddress.getByName(value);
    } catch (UnknownHostException | SecurityException e) {
      throw new ConfigException(
          env(BIND_ADDRESS), "\"" + printable(value) + "\" is not an address of this machine");
    }
  }

  private static URI publicUrl(String value) throws ConfigException {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new ConfigException(env(PUBLIC_URL), "\"" + printable(value) + "\" is not a URL");
    }
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      throw new ConfigException(env(PUBLIC_URL), "must be an https:// URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigException(env(PUBLIC_URL), "has no host name");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigException(
          env(PUBLIC_URL), "must not contain user information, a query or a fragment");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!path.isEmpty() && !path.equals("/")) {
      throw new ConfigException(
          env(PUBLIC_URL), "must not have a path: the broker is served at the root of its host");
    }
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    return URI.create("https://" + uri.getHost().toLowerCase(Locale.ROOT) + port);
  }

  /** A value shortened and stripped of control characters, safe to echo in one line. */
  static String printable(String value) {
    String clean = value.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 160 ? clean.substring(0, 160) + "..." : clean;
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
