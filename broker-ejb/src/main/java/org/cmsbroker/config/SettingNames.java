package org.cmsbroker.config;

/**
 * MicroProfile Config names of the broker's settings. Each also works as an environment variable in
 * upper case with underscores ({@code broker.https.port} is {@code BROKER_HTTPS_PORT}), by the
 * MicroProfile Config mapping rules.
 */
public final class SettingNames {
  public static final String DATA_DIR = "broker.data.dir";
  public static final String HTTPS_PORT = "broker.https.port";
  public static final String HTTP_PORT = "broker.http.port";
  public static final String BIND_ADDRESS = "broker.bind.address";
  public static final String PUBLIC_URL = "broker.public.url";
  public static final String TLS_CERT = "broker.tls.cert";
  public static final String TLS_KEY = "broker.tls.key";
  public static final String DB_URL = "broker.db.url";
  public static final String DB_USER = "broker.db.user";
  public static final String DB_PASSWORD = "broker.db.password";
  public static final String MAX_BODY_BYTES = "broker.max.body.bytes";
  public static final String MASTER_KEY = "broker.master.key";
  public static final String SESSION_IDLE_MINUTES = "broker.session.idle.minutes";
  public static final String SESSION_ABSOLUTE_HOURS = "broker.session.absolute.hours";
  public static final String LOGIN_ALLOW_PLAINTEXT = "broker.login.allow.plaintext";
  public static final String LOGIN_KEY_ROTATION_HOURS = "broker.login.key.rotation.hours";
  public static final String SIGNING_KEY_ROTATION_DAYS = "broker.signing.key.rotation.days";
  public static final String TOKEN_ACCESS_LIFETIME_SECONDS = "broker.token.access.lifetime.seconds";
  public static final String TOKEN_ID_LIFETIME_SECONDS = "broker.token.id.lifetime.seconds";
  public static final String TOKEN_ACCESS_AUDIENCE = "broker.token.access.audience";
  public static final String PASSWORD_LETTERS_AND_NUMBERS = "broker.password.letters.and.numbers";
  public static final String SMTP_HOST = "broker.smtp.host";
  public static final String SMTP_PORT = "broker.smtp.port";
  public static final String SMTP_USERNAME = "broker.smtp.username";
  public static final String SMTP_PASSWORD = "broker.smtp.password";
  public static final String SMTP_FROM = "broker.smtp.from";
  public static final String SMTP_SECURITY = "broker.smtp.security";
  public static final String TRUSTED_PROXIES = "broker.trusted.proxies";

  /**
   * Comma-separated address ranges (CIDR) from which the admin pages over HTTPS may be used ({@code
   * BROKER_ADMIN_ALLOWED_CIDRS}); unset, any address (a token of an admin is still required).
   */
  public static final String ADMIN_ALLOWED_CIDRS = "broker.admin.allowed.cidrs";

  /**
   * Comma-separated {@code host:port} of every grid member, this one included ({@code
   * BROKER_CLUSTER_MEMBERS}); empty means one instance and no data grid at all.
   */
  public static final String CLUSTER_MEMBERS = "broker.cluster.members";

  /** The address of this machine the data grid binds to ({@code BROKER_CLUSTER_INTERFACE}). */
  public static final String CLUSTER_INTERFACE = "broker.cluster.interface";

  /** The data grid's port on this machine ({@code BROKER_CLUSTER_PORT}, default 6900). */
  public static final String CLUSTER_PORT = "broker.cluster.port";

  /**
   * Shared by every member, at least 32 characters ({@code BROKER_CLUSTER_SECRET}): names the grid
   * and keys the encryption of everything put in it.
   */
  public static final String CLUSTER_SECRET = "broker.cluster.secret";

  /** Default of {@link #CLUSTER_PORT}. */
  public static final int DEFAULT_CLUSTER_PORT = 6900;

  /**
   * Comma-separated CIDRs that outbound calls (callbacks, back-channel logout) may reach although
   * they are loopback, private or otherwise special ({@code BROKER_OUTBOUND_ALLOWED_CIDRS}).
   */
  public static final String OUTBOUND_ALLOWED_CIDRS = "broker.outbound.allowed.cidrs";

  public static final String STRIPE_SECRET_KEY = "broker.stripe.secret.key";
  public static final String STRIPE_WEBHOOK_SECRET = "broker.stripe.webhook.secret";
  public static final String STRIPE_API_BASE = "broker.stripe.api.base";
  public static final String STRIPE_PUBLISHABLE_KEY = "broker.stripe.publishable.key";
  public static final String PAYMENT_CURRENCIES = "broker.payment.currencies";
  public static final String PAYMENT_AMOUNT_MIN = "broker.payment.amount.min";
  public static final String PAYMENT_AMOUNT_MAX = "broker.payment.amount.max";
  public static final String PAYMENT_RATE_CLIENT_PER_MINUTE =
      "broker.payment.rate.client.per.minute";
  public static final String PAYMENT_RATE_IP_PER_MINUTE = "broker.payment.rate.ip.per.minute";
  public static final String PAY_PAGE_RATE_IP_PER_MINUTE = "broker.pay.page.rate.ip.per.minute";
  public static final String PAY_PAGE_RATE_CLIENT_PER_MINUTE =
      "broker.pay.page.rate.client.per.minute";

  /** Seconds between sweeps of the callback outbox (1 to 3600, default 20). */
  public static final String CALLBACK_POLL_INTERVAL = "broker.callback.poll.interval";

  /**
   * Seconds: the first retry ceiling of a failed callback, doubling to 6 h (1 to 3600, default 30).
   */
  public static final String CALLBACK_RETRY_BASE = "broker.callback.retry.base";

  /**
   * Days after which audit rows are archived (signed, to {@code <data dir>/audit/archive}) and
   * pruned from the database; 0 (the default) keeps them forever.
   */
  public static final String AUDIT_RETENTION_DAYS = "broker.audit.retention.days";

  /**
   * Callbacks in flight at once to one client's endpoint (1 to {@link #MAX_CALLBACK_PARALLELISM},
   * default {@link #DEFAULT_CALLBACK_PARALLELISM}).
   */
  public static final String CALLBACK_PARALLELISM = "broker.callback.parallelism";

  public static final long DEFAULT_CALLBACK_PARALLELISM = 8;
  public static final long MAX_CALLBACK_PARALLELISM = 32;

  public static final long DEFAULT_CALLBACK_POLL_INTERVAL = 20;
  public static final long DEFAULT_CALLBACK_RETRY_BASE = 30;
  public static final long MAX_CALLBACK_SECONDS = 3600;

  /** Default of {@link #PAYMENT_CURRENCIES}. */
  public static final String DEFAULT_PAYMENT_CURRENCIES = "eur,usd,gbp,chf";

  /**
   * Default of {@link #PAYMENT_AMOUNT_MIN}, in minor units: Stripe's minimum for EUR, USD and CHF
   * (0.50).
   */
  public static final long DEFAULT_PAYMENT_AMOUNT_MIN = 50;

  /** Default of {@link #PAYMENT_AMOUNT_MAX}, in minor units: Stripe's largest amount. */
  public static final long DEFAULT_PAYMENT_AMOUNT_MAX = 99_999_999L;

  /** Default of {@link #PAYMENT_RATE_CLIENT_PER_MINUTE}. */
  public static final int DEFAULT_PAYMENT_RATE_CLIENT_PER_MINUTE = 60;

  /** Default of {@link #PAYMENT_RATE_IP_PER_MINUTE}. */
  public static final int DEFAULT_PAYMENT_RATE_IP_PER_MINUTE = 120;

  /** Default of {@link #PAY_PAGE_RATE_IP_PER_MINUTE}. */
  public static final int DEFAULT_PAY_PAGE_RATE_IP_PER_MINUTE = 30;

  /** Default of {@link #PAY_PAGE_RATE_CLIENT_PER_MINUTE}. */
  public static final int DEFAULT_PAY_PAGE_RATE_CLIENT_PER_MINUTE = 600;

  /** Largest value of a rate setting (requests per minute). */
  public static final int MAX_RATE_PER_MINUTE = 100_000;

  /**
   * Set by the launcher, never by an operator: the PEM file of the certificate chain actually
   * served, so that health can report its expiry.
   */
  public static final String SERVED_CERTIFICATE_FILE = "broker.tls.served.certificate";

  /** The properties file inside the data directory that is read as a configuration source. */
  public static final String PROPERTIES_FILE = "broker.properties";

  public static final String DEFAULT_DATA_DIR = "./broker-data";
  public static final int DEFAULT_HTTPS_PORT = 8443;
  public static final long DEFAULT_MAX_BODY_BYTES = 256 * 1024;

  private SettingNames() {}

  /** The environment-variable form of a setting name, as MicroProfile Config maps it. */
  public static String environmentName(String name) {
    return name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
  }
}
