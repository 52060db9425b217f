package org.cmsbroker.config;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * The broker's settings as plain values, read once at start-up. The launcher has already validated
 * and resolved the listener settings; defaults here only matter when the WAR or EAR runs on a
 * server started some other way. Thread-safe: immutable after {@link #read()}.
 */
@ApplicationScoped
public class BrokerConfig {

  /** Default of {@link SettingNames#SIGNING_KEY_ROTATION_DAYS}. */
  public static final long DEFAULT_SIGNING_KEY_ROTATION_DAYS = 30;

  /** Default lifetime of access and ID tokens. */
  public static final long DEFAULT_TOKEN_LIFETIME_SECONDS = 300;

  /** Bounds of the token lifetime settings. */
  public static final long MIN_TOKEN_LIFETIME_SECONDS = 60;

  public static final long MAX_TOKEN_LIFETIME_SECONDS = 3600;

  /**
   * A Stripe publishable key: it is put into pages, so beyond the prefix only the characters
   * Stripe's keys use are accepted.
   */
  public static final java.util.regex.Pattern STRIPE_PUBLISHABLE_KEY =
      java.util.regex.Pattern.compile("pk_(live|test)_[A-Za-z0-9]{1,250}");

  @Inject Config config;

  private Path dataDir;
  private URI publicUrl;
  private long maxBodyBytes;
  private Optional<Path> servedCertificateFile;
  private Optional<String> masterKey;
  private Duration sessionIdle;
  private Duration sessionAbsolute;
  private boolean loginAllowPlaintext;
  private Duration loginKeyRotation;
  private Duration signingKeyRotation;
  private Duration accessTokenLifetime;
  private Duration idTokenLifetime;
  private String accessTokenAudience;
  private boolean passwordLettersAndNumbers;
  private Optional<SmtpSettings> smtp;
  private List<String> trustedProxies;
  private org.cmsbroker.outbound.OutboundPolicy outboundPolicy =
      org.cmsbroker.outbound.OutboundPolicy.PUBLIC_ONLY;
  private Optional<String> stripeSecretKey = Optional.empty();
  private List<String> stripeWebhookSecrets = List.of();
  private Optional<URI> stripeApiBase = Optional.empty();
  private Optional<String> stripePublishableKey = Optional.empty();
  private List<String> paymentCurrencies = csv(SettingNames.DEFAULT_PAYMENT_CURRENCIES);
  private long paymentAmountMin = SettingNames.DEFAULT_PAYMENT_AMOUNT_MIN;
  private long paymentAmountMax = SettingNames.DEFAULT_PAYMENT_AMOUNT_MAX;
  private int paymentRateClientPerMinute = SettingNames.DEFAULT_PAYMENT_RATE_CLIENT_PER_MINUTE;
  private int paymentRateIpPerMinute = SettingNames.DEFAULT_PAYMENT_RATE_IP_PER_MINUTE;
  private int payPageRateIpPerMinute = SettingNames.DEFAULT_PAY_PAGE_RATE_IP_PER_MINUTE;
  private int payPageRateClientPerMinute = SettingNames.DEFAULT_PAY_PAGE_RATE_CLIENT_PER_MINUTE;
  private Duration callbackPollInterval =
      Duration.ofSeconds(SettingNames.DEFAULT_CALLBACK_POLL_INTERVAL);
  private Duration callbackRetryBase = Duration.ofSeconds(SettingNames.DEFAULT_CALLBACK_RETRY_BASE);

  /** For CDI proxies. */
  protected BrokerConfig() {}

  /** For tests and for code that runs without CDI: the defaults with these values. */
  public BrokerConfig(Path dataDir, URI publicUrl, long maxBodyBytes, Path servedCertificate) {
    this.dataDir = dataDir;
    this.publicUrl = publicUrl;
    this.maxBodyBytes = maxBodyBytes;
    this.servedCertificateFile = Optional.ofNullable(servedCertificate);
    this.masterKey = Optional.empty();
    this.sessionIdle = Duration.ofMinutes(30);
    this.sessionAbsolute = Duration.ofHours(12);
    this.loginKeyRotation = Duration.ofHours(24);
    this.signingKeyRotation = Duration.ofDays(DEFAULT_SIGNING_KEY_ROTATION_DAYS);
    this.accessTokenLifetime = Duration.ofSeconds(DEFAULT_TOKEN_LIFETIME_SECONDS);
    this.idTokenLifetime = Duration.ofSeconds(DEFAULT_TOKEN_LIFETIME_SECONDS);
    this.accessTokenAudience = publicUrl == null ? null : publicUrl + "/api";
    this.smtp = Optional.empty();
    this.trustedProxies = List.of();
  }

  @PostConstruct
  void read() {
    dataDir =
        Path.of(string(SettingNames.DATA_DIR).orElse(SettingNames.DEFAULT_DATA_DIR))
            .toAbsolutePath()
            .normalize();
    int httpsPort =
        config
            .getOptionalValue(SettingNames.HTTPS_PORT, Integer.class)
            .orElse(SettingNames.DEFAULT_HTTPS_PORT);
    publicUrl =
        URI.create(
            stripTrailingSlash(
                string(SettingNames.PUBLIC_URL).orElse("https://localhost:" + httpsPort)));
    maxBodyBytes =
        config
            .getOptionalValue(SettingNames.MAX_BODY_BYTES, Long.class)
            .orElse(SettingNames.DEFAULT_MAX_BODY_BYTES);
    servedCertificateFile = string(SettingNames.SERVED_CERTIFICATE_FILE).map(Path::of);
    masterKey = string(SettingNames.MASTER_KEY);
    sessionIdle = Duration.ofMinutes(positive(SettingNames.SESSION_IDLE_MINUTES, 30));
    sessionAbsolute = Duration.ofHours(positive(SettingNames.SESSION_ABSOLUTE_HOURS, 12));
    if (sessionIdle.compareTo(sessionAbsolute) > 0) {
      throw new IllegalStateException(
          SettingNames.SESSION_IDLE_MINUTES
              + " must not exceed "
              + SettingNames.SESSION_ABSOLUTE_HOURS);
    }
    loginAllowPlaintext =
        config.getOptionalValue(SettingNames.LOGIN_ALLOW_PLAINTEXT, Boolean.class).orElse(false);
    loginKeyRotation = Duration.ofHours(positive(SettingNames.LOGIN_KEY_ROTATION_HOURS, 24));
    signingKeyRotation =
        Duration.ofDays(
            positive(SettingNames.SIGNING_KEY_ROTATION_DAYS, DEFAULT_SIGNING_KEY_ROTATION_DAYS));
    accessTokenLifetime =
        Duration.ofSeconds(
            tokenLifetime(
                SettingNames.TOKEN_ACCESS_LIFETIME_SECONDS, DEFAULT_TOKEN_LIFETIME_SECONDS));
    idTokenLifetime =
        Duration.ofSeconds(
            tokenLifetime(SettingNames.TOKEN_ID_LIFETIME_SECONDS, DEFAULT_TOKEN_LIFETIME_SECONDS));
    accessTokenAudience = string(SettingNames.TOKEN_ACCESS_AUDIENCE).orElse(publicUrl + "/api");
    passwordLettersAndNumbers =
        config
            .getOptionalValue(SettingNames.PASSWORD_LETTERS_AND_NUMBERS, Boolean.class)
            .orElse(false);
    smtp =
        string(SettingNames.SMTP_HOST)
            .map(
                host ->
                    new SmtpSettings(
                        host,
                        config.getOptionalValue(SettingNames.SMTP_PORT, Integer.class).orElse(587),
                        string(SettingNames.SMTP_USERNAME).orElse(null),
                        string(SettingNames.SMTP_PASSWORD).orElse(null),
                        string(SettingNames.SMTP_FROM).orElse("broker@" + publicUrl.getHost()),
                        SmtpSettings.Security.parse(
                            string(SettingNames.SMTP_SECURITY).orElse("starttls"))));
    trustedProxies =
        string(SettingNames.TRUSTED_PROXIES)
            .map(v -> List.of(v.split("\\s*,\\s*")))
            .orElse(List.of());
    try {
      outboundPolicy =
          org.cmsbroker.outbound.OutboundPolicy.allowing(
              string(SettingNames.OUTBOUND_ALLOWED_CIDRS).orElse(null));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          SettingNames.OUTBOUND_ALLOWED_CIDRS + ": " + e.getMessage(), e);
    }
    stripeSecretKey = string(SettingNames.STRIPE_SECRET_KEY);
    stripeWebhookSecrets =
        string(SettingNames.STRIPE_WEBHOOK_SECRET).map(BrokerConfig::csv).orElse(List.of());
    stripeApiBase = string(SettingNames.STRIPE_API_BASE).map(BrokerConfig::stripeApiBase);
    stripePublishableKey =
        string(SettingNames.STRIPE_PUBLISHABLE_KEY).map(BrokerConfig::stripePublishableKey);
    paymentCurrencies =
        csv(string(SettingNames.PAYMENT_CURRENCIES).orElse(SettingNames.DEFAULT_PAYMENT_CURRENCIES))
            .stream()
            .map(c -> c.toLowerCase(Locale.ROOT))
            .distinct()
            .toList();
    if (paymentCurrencies.isEmpty()) {
      throw new IllegalStateException(SettingNames.PAYMENT_CURRENCIES + " must name a currency");
    }
    paymentAmountMin =
        within(
            SettingNames.PAYMENT_AMOUNT_MIN,
            SettingNames.DEFAULT_PAYMENT_AMOUNT_MIN,
            1,
            SettingNames.DEFAULT_PAYMENT_AMOUNT_MAX);
    paymentAmountMax =
        within(
            SettingNames.PAYMENT_AMOUNT_MAX,
            SettingNames.DEFAULT_PAYMENT_AMOUNT_MAX,
            1,
            SettingNames.DEFAULT_PAYMENT_AMOUNT_MAX);
    if (paymentAmountMin > paymentAmountMax) {
      throw new IllegalStateException(
          SettingNames.PAYMENT_AMOUNT_MIN + " must not exceed " + SettingNames.PAYMENT_AMOUNT_MAX);
    }
    paymentRateClientPerMinute =
        rate(
            SettingNames.PAYMENT_RATE_CLIENT_PER_MINUTE,
            SettingNames.DEFAULT_PAYMENT_RATE_CLIENT_PER_MINUTE);
    paymentRateIpPerMinute =
        rate(
            SettingNames.PAYMENT_RATE_IP_PER_MINUTE,
            SettingNames.DEFAULT_PAYMENT_RATE_IP_PER_MINUTE);
    payPageRateIpPerMinute =
        rate(
            SettingNames.PAY_PAGE_RATE_IP_PER_MINUTE,
            SettingNames.DEFAULT_PAY_PAGE_RATE_IP_PER_MINUTE);
    payPageRateClientPerMinute =
        rate(
            SettingNames.PAY_PAGE_RATE_CLIENT_PER_MINUTE,
            SettingNames.DEFAULT_PAY_PAGE_RATE_CLIENT_PER_MINUTE);
    callbackPollInterval =
        Duration.ofSeconds(
            callbackSeconds(
                SettingNames.CALLBACK_POLL_INTERVAL, SettingNames.DEFAULT_CALLBACK_POLL_INTERVAL));
    callbackRetryBase =
        Duration.ofSeconds(
            callbackSeconds(
                SettingNames.CALLBACK_RETRY_BASE, SettingNames.DEFAULT_CALLBACK_RETRY_BASE));
  }

  private long within(String name, long fallback, long min, long max) {
    return within(name, fallback, min, max, "");
  }

  private long withinSeconds(String name, long fallback, long min, long max) {
    return within(name, fallback, min, max, " seconds");
  }

  /** The setting {@code name} (or {@code fallback}), refused outside {@code min..max}. */
  private long within(String name, long fallback, long min, long max, String unit) {
    long value = config.getOptionalValue(name, Long.class).orElse(fallback);
    if (value < min || value > max) {
      throw new IllegalStateException(name + " must be between " + min + " and " + max + unit);
    }
    return value;
  }

  private int rate(String name, int fallback) {
    return (int) within(name, fallback, 1, SettingNames.MAX_RATE_PER_MINUTE);
  }

  private long callbackSeconds(String name, long fallback) {
    return withinSeconds(name, fallback, 1, SettingNames.MAX_CALLBACK_SECONDS);
  }

  private static List<String> csv(String value) {
    return java.util.Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(v -> !v.isEmpty())
        .toList();
  }

  private static URI stripeApiBase(String value) {
    URI uri;
    try {
      uri = new URI(stripTrailingSlash(value));
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(SettingNames.STRIPE_API_BASE + " is not a URL");
    }
    if (uri.getHost() == null
        || !("https".equalsIgnoreCase(uri.getScheme())
            || "http".equalsIgnoreCase(uri.getScheme()))) {
      throw new IllegalStateException(SettingNames.STRIPE_API_BASE + " must be an http(s) URL");
    }
    return uri;
  }

  private static String stripePublishableKey(String value) {
    if (!STRIPE_PUBLISHABLE_KEY.matcher(value).matches()) {
      throw new IllegalStateException(
          SettingNames.STRIPE_PUBLISHABLE_KEY
              + " must be a Stripe publishable key (pk_live_... or pk_test_...)");
    }
    return value;
  }

  private Optional<String> string(String name) {
    return config.getOptionalValue(name, String.class).map(String::trim).filter(s -> !s.isEmpty());
  }

  private long positive(String name, long fallback) {
    long value = config.getOptionalValue(name, Long.class).orElse(fallback);
    if (value <= 0) {
      throw new IllegalStateException(name + " must be a positive number");
    }
    return value;
  }

  private long tokenLifetime(String name, long fallback) {
    return withinSeconds(name, fallback, MIN_TOKEN_LIFETIME_SECONDS, MAX_TOKEN_LIFETIME_SECONDS);
  }

  private static String stripTrailingSlash(String url) {
    String trimmed = url.trim();
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }

  /** Absolute, normalised data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** The public HTTPS base URL (issuer), without a trailing slash. */
  public URI publicUrl() {
    return publicUrl;
  }

  /** The scheme, host and port of {@link #publicUrl()}, lower case. */
  public String publicOrigin() {
    String port = publicUrl.getPort() < 0 ? "" : ":" + publicUrl.getPort();
    return (publicUrl.getScheme() + "://" + publicUrl.getHost() + port).toLowerCase(Locale.ROOT);
  }

  /** Largest request body accepted, in bytes. */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /** The PEM certificate chain being served, when the broker's launcher started this server. */
  public Optional<Path> servedCertificateFile() {
    return servedCertificateFile;
  }

  /** The configured master key (base64), if any; else one is kept in the data directory. */
  public Optional<String> masterKey() {
    return masterKey;
  }

  /** A session unused this long ends (default 30 minutes). */
  public Duration sessionIdle() {
    return sessionIdle;
  }

  /** A session ends this long after login whatever its use (default 12 hours). */
  public Duration sessionAbsolute() {
    return sessionAbsolute;
  }

  /** Whether a plaintext password post is accepted (for clients without JavaScript). */
  public boolean loginAllowPlaintext() {
    return loginAllowPlaintext;
  }

  /** How often the login key is replaced (default daily). */
  public Duration loginKeyRotation() {
    return loginKeyRotation;
  }

  /** How long a token signing key stays current before a new one replaces it (default 30 days). */
  public Duration signingKeyRotation() {
    return signingKeyRotation;
  }

  /** Lifetime of an access token (default 5 minutes, 60 seconds to 1 hour). */
  public Duration accessTokenLifetime() {
    return accessTokenLifetime;
  }

  /** Lifetime of an ID token (default 5 minutes, 60 seconds to 1 hour). */
  public Duration idTokenLifetime() {
    return idTokenLifetime;
  }

  /** The {@code aud} of access tokens (default the public URL + {@code /api}). */
  public String accessTokenAudience() {
    return accessTokenAudience;
  }

  /** Whether passwords must contain a letter and a digit (off by default, per ASVS 5.0). */
  public boolean passwordLettersAndNumbers() {
    return passwordLettersAndNumbers;
  }

  /** The SMTP server for password-reset mail, when configured. */
  public Optional<SmtpSettings> smtp() {
    return smtp;
  }

  /** Addresses of reverse proxies whose {@code X-Forwarded-For} is believed. */
  public List<String> trustedProxies() {
    return trustedProxies;
  }

  /** Which addresses outbound calls may reach ({@link SettingNames#OUTBOUND_ALLOWED_CIDRS}). */
  public org.cmsbroker.outbound.OutboundPolicy outboundPolicy() {
    return outboundPolicy;
  }

  /** Stripe's secret API key ({@code sk_...} or {@code rk_...}), when payments are configured. */
  public Optional<String> stripeSecretKey() {
    return stripeSecretKey;
  }

  /**
   * Stripe webhook endpoint secrets ({@code whsec_...}); several during a rotation; empty when not
   * configured.
   */
  public List<String> stripeWebhookSecrets() {
    return stripeWebhookSecrets;
  }

  /** Where the Stripe SDK sends API calls instead of {@code https://api.stripe.com}; tests only. */
  public Optional<URI> stripeApiBase() {
    return stripeApiBase;
  }

  /**
   * Stripe's publishable key ({@code pk_live_...} or {@code pk_test_...}), which the embedded
   * payment page gives Stripe.js; empty when embedded payments are not configured.
   */
  public Optional<String> stripePublishableKey() {
    return stripePublishableKey;
  }

  /** Accepted payment currencies, lower-case ISO 4217 codes, in configured order, not empty. */
  public List<String> paymentCurrencies() {
    return paymentCurrencies;
  }

  /** The smallest accepted payment amount in minor units, for every currency (default 50). */
  public long paymentAmountMin() {
    return paymentAmountMin;
  }

  /** The largest accepted payment amount in minor units, for every currency (default 99999999). */
  public long paymentAmountMax() {
    return paymentAmountMax;
  }

  /** Payment creations a client may make per minute (default 60). */
  public int paymentRateClientPerMinute() {
    return paymentRateClientPerMinute;
  }

  /** Payment creations per minute from one remote address (default 120). */
  public int paymentRateIpPerMinute() {
    return paymentRateIpPerMinute;
  }

  /** Embedded payment page loads per minute from one remote address (default 30). */
  public int payPageRateIpPerMinute() {
    return payPageRateIpPerMinute;
  }

  /** Embedded payment page loads per minute of one client's payments (default 600). */
  public int payPageRateClientPerMinute() {
    return payPageRateClientPerMinute;
  }

  /** How often the callback outbox is swept for due messages. */
  public Duration callbackPollInterval() {
    return callbackPollInterval;
  }

  /** The first retry ceiling of a failed callback; it doubles with each attempt up to 6 h. */
  public Duration callbackRetryBase() {
    return callbackRetryBase;
  }
}
