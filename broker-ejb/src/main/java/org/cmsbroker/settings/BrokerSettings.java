package org.cmsbroker.settings;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.OptionalInt;
import org.cmsbroker.config.SettingNames;
import org.cmsbroker.outbound.OutboundPolicy;

/**
 * Every setting of the broker with its one rule: the launcher checks them all at start-up ({@link
 * #check}) and the server's {@code BrokerConfig} reads its values through the same definitions, so
 * the two cannot drift. Names are those of {@link SettingNames}. Plain Java only (the launcher's
 * class path has no Jakarta types).
 */
public final class BrokerSettings {
  /** Largest request body the broker may be configured to accept. */
  public static final long MAX_BODY_LIMIT = 64L * 1024 * 1024;

  /** Smallest request body limit: smaller would refuse ordinary forms. */
  public static final long MIN_BODY_BYTES = 4 * 1024;

  public static final Setting<String> DATA_DIR =
      Setting.of(SettingNames.DATA_DIR, SettingNames.DEFAULT_DATA_DIR, Rules::text);
  public static final Setting<Integer> HTTPS_PORT =
      Setting.of(
          SettingNames.HTTPS_PORT, Integer.toString(SettingNames.DEFAULT_HTTPS_PORT), Rules::port);
  public static final Setting<OptionalInt> HTTP_PORT =
      Setting.of(SettingNames.HTTP_PORT, "8080", Rules::portOrOff);
  public static final Setting<InetAddress> BIND_ADDRESS =
      Setting.of(SettingNames.BIND_ADDRESS, "0.0.0.0", Rules::bindAddress);

  /** No default of its own: it follows the HTTPS port ({@link #publicUrl}). */
  public static final Setting<URI> PUBLIC_URL =
      Setting.of(SettingNames.PUBLIC_URL, null, Rules::publicUrl);

  public static final Setting<String> TLS_CERT =
      Setting.of(SettingNames.TLS_CERT, null, Rules::text);
  public static final Setting<String> TLS_KEY = Setting.of(SettingNames.TLS_KEY, null, Rules::text);
  public static final Setting<String> DB_URL =
      Setting.of(SettingNames.DB_URL, null, Rules::jdbcUrl);
  public static final Setting<String> DB_USER = Setting.of(SettingNames.DB_USER, null, Rules::text);
  public static final Setting<String> DB_PASSWORD =
      Setting.secret(SettingNames.DB_PASSWORD, Rules::text);
  public static final Setting<Long> MAX_BODY_BYTES =
      Setting.of(
          SettingNames.MAX_BODY_BYTES,
          Long.toString(SettingNames.DEFAULT_MAX_BODY_BYTES),
          Rules.wholeNumber(MIN_BODY_BYTES, MAX_BODY_LIMIT, " bytes"));
  public static final Setting<String> MASTER_KEY =
      Setting.secret(SettingNames.MASTER_KEY, Rules::masterKey);
  public static final Setting<Long> SESSION_IDLE_MINUTES =
      Setting.of(SettingNames.SESSION_IDLE_MINUTES, "30", Rules.wholeNumber(1, 24 * 60));
  public static final Setting<Long> SESSION_ABSOLUTE_HOURS =
      Setting.of(SettingNames.SESSION_ABSOLUTE_HOURS, "12", Rules.wholeNumber(1, 24 * 30));
  public static final Setting<Boolean> LOGIN_ALLOW_PLAINTEXT =
      Setting.of(SettingNames.LOGIN_ALLOW_PLAINTEXT, "false", Rules::flag);
  public static final Setting<Long> LOGIN_KEY_ROTATION_HOURS =
      Setting.of(SettingNames.LOGIN_KEY_ROTATION_HOURS, "24", Rules.wholeNumber(1, 24 * 30));
  public static final Setting<Long> SIGNING_KEY_ROTATION_DAYS =
      Setting.of(SettingNames.SIGNING_KEY_ROTATION_DAYS, "30", Rules.wholeNumber(1, 365));
  public static final Setting<Long> TOKEN_ACCESS_LIFETIME_SECONDS =
      Setting.of(SettingNames.TOKEN_ACCESS_LIFETIME_SECONDS, "300", Rules.wholeNumber(60, 3600));
  public static final Setting<Long> TOKEN_ID_LIFETIME_SECONDS =
      Setting.of(SettingNames.TOKEN_ID_LIFETIME_SECONDS, "300", Rules.wholeNumber(60, 3600));

  /** No default of its own: the public URL + {@code /api}. */
  public static final Setting<String> TOKEN_ACCESS_AUDIENCE =
      Setting.of(SettingNames.TOKEN_ACCESS_AUDIENCE, null, Rules::text);

  public static final Setting<Boolean> PASSWORD_LETTERS_AND_NUMBERS =
      Setting.of(SettingNames.PASSWORD_LETTERS_AND_NUMBERS, "false", Rules::flag);
  public static final Setting<String> SMTP_HOST =
      Setting.of(SettingNames.SMTP_HOST, null, Rules::text);
  public static final Setting<Integer> SMTP_PORT =
      Setting.of(SettingNames.SMTP_PORT, "587", Rules::port);
  public static final Setting<String> SMTP_USERNAME =
      Setting.of(SettingNames.SMTP_USERNAME, null, Rules::text);
  public static final Setting<String> SMTP_PASSWORD =
      Setting.secret(SettingNames.SMTP_PASSWORD, Rules::text);

  /** No default of its own: {@code broker@} the public host. */
  public static final Setting<String> SMTP_FROM =
      Setting.of(SettingNames.SMTP_FROM, null, Rules::text);

  public static final Setting<String> SMTP_SECURITY =
      Setting.of(SettingNames.SMTP_SECURITY, "starttls", Rules.oneOf("starttls", "tls", "none"));

  /**
   * Reverse proxies whose forwarding headers are believed: addresses or ranges ({@link
   * Rules#addressRanges}), IPv4 and IPv6 in any spelling.
   */
  public static final Setting<List<OutboundPolicy.Cidr>> TRUSTED_PROXIES =
      Setting.of(SettingNames.TRUSTED_PROXIES, null, Rules::addressRanges);

  /** Where admin pages may be used from; unset, anywhere ({@link Rules#addressRanges}). */
  public static final Setting<List<OutboundPolicy.Cidr>> ADMIN_ALLOWED_CIDRS =
      Setting.of(SettingNames.ADMIN_ALLOWED_CIDRS, null, Rules::addressRanges);

  public static final Setting<List<String>> CLUSTER_MEMBERS =
      Setting.of(SettingNames.CLUSTER_MEMBERS, null, Rules::clusterMembers);
  public static final Setting<InetAddress> CLUSTER_INTERFACE =
      Setting.of(SettingNames.CLUSTER_INTERFACE, null, Rules::bindAddress);
  public static final Setting<Integer> CLUSTER_PORT =
      Setting.of(
          SettingNames.CLUSTER_PORT,
          Integer.toString(SettingNames.DEFAULT_CLUSTER_PORT),
          Rules::port);
  public static final Setting<String> CLUSTER_SECRET =
      Setting.secret(SettingNames.CLUSTER_SECRET, Rules::clusterSecret);

  /**
   * Ranges that outbound calls (CRM callbacks, back-channel logout) may reach although they are
   * loopback, private or link-local; unset, only public addresses.
   */
  public static final Setting<OutboundPolicy> OUTBOUND_ALLOWED_CIDRS =
      Setting.of(SettingNames.OUTBOUND_ALLOWED_CIDRS, null, OutboundPolicy::allowing);

  public static final Setting<String> STRIPE_SECRET_KEY =
      Setting.secret(SettingNames.STRIPE_SECRET_KEY, Rules::stripeSecretKey);
  public static final Setting<List<String>> STRIPE_WEBHOOK_SECRET =
      Setting.secret(SettingNames.STRIPE_WEBHOOK_SECRET, Rules::stripeWebhookSecrets);
  public static final Setting<URI> STRIPE_API_BASE =
      Setting.of(SettingNames.STRIPE_API_BASE, null, Rules::stripeApiBase);
  public static final Setting<String> STRIPE_PUBLISHABLE_KEY =
      Setting.of(SettingNames.STRIPE_PUBLISHABLE_KEY, null, Rules::stripePublishableKey);
  public static final Setting<List<String>> PAYMENT_CURRENCIES =
      Setting.of(
          SettingNames.PAYMENT_CURRENCIES,
          SettingNames.DEFAULT_PAYMENT_CURRENCIES,
          Rules::currencies);
  public static final Setting<Long> PAYMENT_AMOUNT_MIN =
      Setting.of(
          SettingNames.PAYMENT_AMOUNT_MIN,
          Long.toString(SettingNames.DEFAULT_PAYMENT_AMOUNT_MIN),
          Rules.wholeNumber(1, SettingNames.DEFAULT_PAYMENT_AMOUNT_MAX));
  public static final Setting<Long> PAYMENT_AMOUNT_MAX =
      Setting.of(
          SettingNames.PAYMENT_AMOUNT_MAX,
          Long.toString(SettingNames.DEFAULT_PAYMENT_AMOUNT_MAX),
          Rules.wholeNumber(1, SettingNames.DEFAULT_PAYMENT_AMOUNT_MAX));
  public static final Setting<Long> PAYMENT_RATE_CLIENT_PER_MINUTE =
      rate(
          SettingNames.PAYMENT_RATE_CLIENT_PER_MINUTE,
          SettingNames.DEFAULT_PAYMENT_RATE_CLIENT_PER_MINUTE);
  public static final Setting<Long> PAYMENT_RATE_IP_PER_MINUTE =
      rate(
          SettingNames.PAYMENT_RATE_IP_PER_MINUTE, SettingNames.DEFAULT_PAYMENT_RATE_IP_PER_MINUTE);
  public static final Setting<Long> PAY_PAGE_RATE_IP_PER_MINUTE =
      rate(
          SettingNames.PAY_PAGE_RATE_IP_PER_MINUTE,
          SettingNames.DEFAULT_PAY_PAGE_RATE_IP_PER_MINUTE);
  public static final Setting<Long> PAY_PAGE_RATE_CLIENT_PER_MINUTE =
      rate(
          SettingNames.PAY_PAGE_RATE_CLIENT_PER_MINUTE,
          SettingNames.DEFAULT_PAY_PAGE_RATE_CLIENT_PER_MINUTE);
  public static final Setting<Long> CALLBACK_POLL_INTERVAL =
      Setting.of(
          SettingNames.CALLBACK_POLL_INTERVAL,
          Long.toString(SettingNames.DEFAULT_CALLBACK_POLL_INTERVAL),
          Rules.wholeNumber(1, SettingNames.MAX_CALLBACK_SECONDS));
  public static final Setting<Long> CALLBACK_RETRY_BASE =
      Setting.of(
          SettingNames.CALLBACK_RETRY_BASE,
          Long.toString(SettingNames.DEFAULT_CALLBACK_RETRY_BASE),
          Rules.wholeNumber(1, SettingNames.MAX_CALLBACK_SECONDS));
  public static final Setting<Long> CALLBACK_PARALLELISM =
      Setting.of(
          SettingNames.CALLBACK_PARALLELISM,
          Long.toString(SettingNames.DEFAULT_CALLBACK_PARALLELISM),
          Rules.wholeNumber(1, SettingNames.MAX_CALLBACK_PARALLELISM));

  public static final Setting<Long> AUDIT_RETENTION_DAYS =
      Setting.of(SettingNames.AUDIT_RETENTION_DAYS, "0", Rules.wholeNumber(0, 36_500));

  /** Set by the launcher for the server: the PEM chain it serves. */
  public static final Setting<String> SERVED_CERTIFICATE_FILE =
      Setting.of(SettingNames.SERVED_CERTIFICATE_FILE, null, Rules::text);

  /** Every setting, in the order {@link #check} tries them. */
  public static final List<Setting<?>> ALL =
      List.of(
          DATA_DIR,
          HTTPS_PORT,
          HTTP_PORT,
          BIND_ADDRESS,
          PUBLIC_URL,
          TLS_CERT,
          TLS_KEY,
          DB_URL,
          DB_USER,
          DB_PASSWORD,
          MAX_BODY_BYTES,
          MASTER_KEY,
          SESSION_IDLE_MINUTES,
          SESSION_ABSOLUTE_HOURS,
          LOGIN_ALLOW_PLAINTEXT,
          LOGIN_KEY_ROTATION_HOURS,
          SIGNING_KEY_ROTATION_DAYS,
          TOKEN_ACCESS_LIFETIME_SECONDS,
          TOKEN_ID_LIFETIME_SECONDS,
          TOKEN_ACCESS_AUDIENCE,
          PASSWORD_LETTERS_AND_NUMBERS,
          SMTP_HOST,
          SMTP_PORT,
          SMTP_USERNAME,
          SMTP_PASSWORD,
          SMTP_FROM,
          SMTP_SECURITY,
          TRUSTED_PROXIES,
          ADMIN_ALLOWED_CIDRS,
          CLUSTER_MEMBERS,
          CLUSTER_INTERFACE,
          CLUSTER_PORT,
          CLUSTER_SECRET,
          OUTBOUND_ALLOWED_CIDRS,
          STRIPE_SECRET_KEY,
          STRIPE_WEBHOOK_SECRET,
          STRIPE_API_BASE,
          STRIPE_PUBLISHABLE_KEY,
          PAYMENT_CURRENCIES,
          PAYMENT_AMOUNT_MIN,
          PAYMENT_AMOUNT_MAX,
          PAYMENT_RATE_CLIENT_PER_MINUTE,
          PAYMENT_RATE_IP_PER_MINUTE,
          PAY_PAGE_RATE_IP_PER_MINUTE,
          PAY_PAGE_RATE_CLIENT_PER_MINUTE,
          CALLBACK_POLL_INTERVAL,
          CALLBACK_RETRY_BASE,
          AUDIT_RETENTION_DAYS,
          CALLBACK_PARALLELISM,
          SERVED_CERTIFICATE_FILE);

  private BrokerSettings() {}

  private static Setting<Long> rate(String name, int fallback) {
    return Setting.of(
        name, Integer.toString(fallback), Rules.wholeNumber(1, SettingNames.MAX_RATE_PER_MINUTE));
  }

  /**
   * Checks every setting against its rule, then the rules that join two settings; the first problem
   * is thrown.
   *
   * @throws InvalidSettingException naming the setting, never a secret's value
   */
  public static void check(SettingSource source) {
    for (Setting<?> setting : ALL) {
      setting.read(source);
    }
    publicUrl(source);
    int https = HTTPS_PORT.value(source);
    OptionalInt http = HTTP_PORT.value(source);
    if (http.isPresent() && http.getAsInt() == https) {
      throw new InvalidSettingException(
          HTTP_PORT.name(),
          "must differ from " + HTTPS_PORT.environmentName() + " (both are " + https + ")");
    }
    if (TLS_CERT.isSet(source) && !TLS_KEY.isSet(source)) {
      throw new InvalidSettingException(
          TLS_KEY.name(), "must be set when " + TLS_CERT.environmentName() + " is set");
    }
    if (TLS_KEY.isSet(source) && !TLS_CERT.isSet(source)) {
      throw new InvalidSettingException(
          TLS_CERT.name(), "must be set when " + TLS_KEY.environmentName() + " is set");
    }
    if (SESSION_IDLE_MINUTES.value(source) > SESSION_ABSOLUTE_HOURS.value(source) * 60) {
      throw new InvalidSettingException(
          SESSION_IDLE_MINUTES.name(),
          "must not be longer than " + SESSION_ABSOLUTE_HOURS.environmentName());
    }
    if (isClustered(source) && !CLUSTER_SECRET.isSet(source)) {
      throw new InvalidSettingException(
          CLUSTER_SECRET.name(),
          "must be set when "
              + CLUSTER_MEMBERS.environmentName()
              + " is set: without it anyone who reaches the cluster port could join the grid"
              + " (at least "
              + Rules.CLUSTER_SECRET_MIN_CHARACTERS
              + " characters, for example from openssl rand -base64 32)");
    }
    if (PAYMENT_AMOUNT_MIN.value(source) > PAYMENT_AMOUNT_MAX.value(source)) {
      throw new InvalidSettingException(
          PAYMENT_AMOUNT_MIN.name(),
          "must not be larger than " + PAYMENT_AMOUNT_MAX.environmentName());
    }
  }

  /** Whether members of a data grid are configured (several instances share short-lived state). */
  public static boolean isClustered(SettingSource source) {
    return CLUSTER_MEMBERS.read(source).map(m -> !m.isEmpty()).orElse(false);
  }

  /** The public URL, by default {@code https://localhost:<https port>}. */
  public static URI publicUrl(SettingSource source) {
    return PUBLIC_URL
        .read(source)
        .orElseGet(() -> Rules.publicUrl("https://localhost:" + HTTPS_PORT.value(source)));
  }
}
