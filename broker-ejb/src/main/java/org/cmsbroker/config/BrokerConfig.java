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
import org.cmsbroker.outbound.OutboundPolicy;
import org.cmsbroker.settings.BrokerSettings;
import org.cmsbroker.settings.Rules;
import org.cmsbroker.settings.SettingSource;
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
  private List<OutboundPolicy.Cidr> trustedProxies;
  private List<OutboundPolicy.Cidr> adminAllowedRanges = List.of();
  private List<String> clusterMembers = List.of();
  private Optional<String> clusterSecret = Optional.empty();
  private OutboundPolicy outboundPolicy = OutboundPolicy.PUBLIC_ONLY;
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
  private Duration auditRetention = Duration.ZERO;
  private int callbackParallelism = (int) SettingNames.DEFAULT_CALLBACK_PARALLELISM;

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
    SettingSource source = name -> config.getOptionalValue(name, String.class);
    // The launcher checked the same rules already; this covers a WAR or EAR started otherwise.
    BrokerSettings.check(source);
    dataDir = Path.of(BrokerSettings.DATA_DIR.value(source)).toAbsolutePath().normalize();
    publicUrl = BrokerSettings.publicUrl(source);
    maxBodyBytes = BrokerSettings.MAX_BODY_BYTES.value(source);
    servedCertificateFile = BrokerSettings.SERVED_CERTIFICATE_FILE.read(source).map(Path::of);
    masterKey = BrokerSettings.MASTER_KEY.read(source);
    sessionIdle = Duration.ofMinutes(BrokerSettings.SESSION_IDLE_MINUTES.value(source));
    sessionAbsolute = Duration.ofHours(BrokerSettings.SESSION_ABSOLUTE_HOURS.value(source));
    loginAllowPlaintext = BrokerSettings.LOGIN_ALLOW_PLAINTEXT.value(source);
    loginKeyRotation = Duration.ofHours(BrokerSettings.LOGIN_KEY_ROTATION_HOURS.value(source));
    signingKeyRotation = Duration.ofDays(BrokerSettings.SIGNING_KEY_ROTATION_DAYS.value(source));
    accessTokenLifetime =
        Duration.ofSeconds(BrokerSettings.TOKEN_ACCESS_LIFETIME_SECONDS.value(source));
    idTokenLifetime = Duration.ofSeconds(BrokerSettings.TOKEN_ID_LIFETIME_SECONDS.value(source));
    accessTokenAudience =
        BrokerSettings.TOKEN_ACCESS_AUDIENCE.read(source).orElse(publicUrl + "/api");
    passwordLettersAndNumbers = BrokerSettings.PASSWORD_LETTERS_AND_NUMBERS.value(source);
    smtp =
        BrokerSettings.SMTP_HOST
            .read(source)
            .map(
                host ->
                    new SmtpSettings(
                        host,
                        BrokerSettings.SMTP_PORT.value(source),
                        BrokerSettings.SMTP_USERNAME.read(source).orElse(null),
                        BrokerSettings.SMTP_PASSWORD.read(source).orElse(null),
                        BrokerSettings.SMTP_FROM
                            .read(source)
                            .orElse("broker@" + publicUrl.getHost()),
                        SmtpSettings.Security.parse(BrokerSettings.SMTP_SECURITY.value(source))));
    trustedProxies = BrokerSettings.TRUSTED_PROXIES.read(source).orElse(List.of());
    adminAllowedRanges = BrokerSettings.ADMIN_ALLOWED_CIDRS.read(source).orElse(List.of());
    clusterMembers = BrokerSettings.CLUSTER_MEMBERS.read(source).orElse(List.of());
    clusterSecret = BrokerSettings.CLUSTER_SECRET.read(source);
    outboundPolicy =
        BrokerSettings.OUTBOUND_ALLOWED_CIDRS.read(source).orElse(OutboundPolicy.PUBLIC_ONLY);
    stripeSecretKey = BrokerSettings.STRIPE_SECRET_KEY.read(source);
    stripeWebhookSecrets = BrokerSettings.STRIPE_WEBHOOK_SECRET.read(source).orElse(List.of());
    stripeApiBase = BrokerSettings.STRIPE_API_BASE.read(source);
    stripePublishableKey = BrokerSettings.STRIPE_PUBLISHABLE_KEY.read(source);
    paymentCurrencies = BrokerSettings.PAYMENT_CURRENCIES.value(source);
    paymentAmountMin = BrokerSettings.PAYMENT_AMOUNT_MIN.value(source);
    paymentAmountMax = BrokerSettings.PAYMENT_AMOUNT_MAX.value(source);
    paymentRateClientPerMinute =
        BrokerSettings.PAYMENT_RATE_CLIENT_PER_MINUTE.value(source).intValue();
    paymentRateIpPerMinute = BrokerSettings.PAYMENT_RATE_IP_PER_MINUTE.value(source).intValue();
    payPageRateIpPerMinute = BrokerSettings.PAY_PAGE_RATE_IP_PER_MINUTE.value(source).intValue();
    payPageRateClientPerMinute =
        BrokerSettings.PAY_PAGE_RATE_CLIENT_PER_MINUTE.value(source).intValue();
    callbackPollInterval = Duration.ofSeconds(BrokerSettings.CALLBACK_POLL_INTERVAL.value(source));
    callbackRetryBase = Duration.ofSeconds(BrokerSettings.CALLBACK_RETRY_BASE.value(source));
    auditRetention = Duration.ofDays(BrokerSettings.AUDIT_RETENTION_DAYS.value(source));
    callbackParallelism = BrokerSettings.CALLBACK_PARALLELISM.value(source).intValue();
  }

  private static List<String> csv(String value) {
    return Rules.csv(value);
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

  /**
   * Addresses or ranges of reverse proxies whose {@code X-Forwarded-For} is believed (empty: none).
   */
  public List<OutboundPolicy.Cidr> trustedProxies() {
    return trustedProxies;
  }

  /**
   * The ranges the admin pages may be used from ({@link SettingNames#ADMIN_ALLOWED_CIDRS}); empty
   * means any address.
   */
  public List<OutboundPolicy.Cidr> adminAllowedRanges() {
    return adminAllowedRanges;
  }

  /** The data grid's members ({@code host:port}); empty for a single instance. */
  public List<String> clusterMembers() {
    return clusterMembers;
  }

  /**
   * The data grid's shared secret; present whenever {@link #clusterMembers()} is not empty (the
   * settings check refuses start-up otherwise). Never logged.
   */
  public Optional<String> clusterSecret() {
    return clusterSecret;
  }

  /** Which addresses outbound calls may reach ({@link SettingNames#OUTBOUND_ALLOWED_CIDRS}). */
  public OutboundPolicy outboundPolicy() {
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

  /** How long audit rows stay in the database before they are archived and pruned; zero: always. */
  public Duration auditRetention() {
    return auditRetention;
  }

  /** Callbacks in flight at once to one client's endpoint. */
  public int callbackParallelism() {
    return callbackParallelism;
  }
}
