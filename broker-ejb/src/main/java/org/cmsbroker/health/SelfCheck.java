package org.cmsbroker.health;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.cmsbroker.audit.AuditLog;
import org.cmsbroker.audit.AuditVerification;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.settings.BrokerSettings;
import org.cmsbroker.settings.Rules;
import org.cmsbroker.settings.Setting;
import org.cmsbroker.settings.SettingSource;
import org.eclipse.microprofile.config.Config;

/**
 * The broker's own security self-check, as CiviCRM's status page does for a site: the served
 * certificate's days to expiry (warning at {@value #CERT_WARN_DAYS}, failure at {@value
 * #CERT_FAIL_DAYS}), no vendor default certificate, plain HTTP off or redirect-only, the data
 * directory and its secret files owner-only, database credentials, configured secrets strong enough
 * ({@link SecretStrength}), plaintext login off, the clock against the database's, the age of the
 * last backup, and the audit chain. Read-only; never shows a secret.
 */
@Stateless
public class SelfCheck {
  static final long CERT_WARN_DAYS = 30;
  static final long CERT_FAIL_DAYS = 7;
  static final Duration CLOCK_WARN = Duration.ofSeconds(5);
  static final Duration CLOCK_FAIL = Duration.ofSeconds(60);
  static final Duration BACKUP_WARN = Duration.ofDays(2);
  static final Duration BACKUP_FAIL = Duration.ofDays(8);

  /**
   * Where the time of the last successful backup is kept, under the data directory (as the backup
   * package writes it).
   */
  public static final String LAST_BACKUP_FILE = "backup/last-success";

  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject BrokerConfig config;
  @Inject Config settings;
  @Inject Clock clock;
  @EJB AuditLog audit;

  /** Runs every check; never throws for what it finds. */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public List<SelfCheckFinding> run() {
    SettingSource source = name -> settings.getOptionalValue(name, String.class);
    List<SelfCheckFinding> out = new ArrayList<>();
    out.addAll(certificate(config.servedCertificateFile(), clock.instant()));
    out.add(plainHttp(source));
    out.addAll(dataDirectory(config.dataDir()));
    out.add(database(source));
    out.add(secrets(source));
    out.add(plaintextLogin(config.loginAllowPlaintext()));
    out.add(clock());
    out.add(backup(config.dataDir(), clock.instant()));
    out.add(auditChain());
    return out;
  }

  /**
   * The report as JSON, {@code {"ok": ..., "findings": [{"check","status","seen","fix"}, ...]}}, as
   * {@code broker.jar check --json} and the admin page give it.
   */
  public static String json(List<SelfCheckFinding> findings) {
    List<Object> out = new ArrayList<>();
    for (SelfCheckFinding f : findings) {
      java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
      row.put("check", f.check());
      row.put("status", f.status().name());
      row.put("seen", f.seen());
      row.put("fix", f.fix());
      out.add(row);
    }
    java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
    doc.put("ok", !failed(findings));
    doc.put("findings", out);
    return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(doc);
  }

  /** Whether any finding is a failure. */
  public static boolean failed(List<SelfCheckFinding> findings) {
    return findings.stream().anyMatch(f -> f.status() == SelfCheckFinding.Status.FAIL);
  }

  static List<SelfCheckFinding> certificate(Optional<Path> served, Instant now) {
    if (served.isEmpty()) {
      return List.of(
          SelfCheckFinding.pass(
              "tls-certificate", "TLS is terminated by the server the broker is deployed on"));
    }
    X509Certificate leaf;
    try (InputStream in = Files.newInputStream(served.get())) {
      leaf =
          (X509Certificate)
              CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                  .findFirst()
                  .orElseThrow(() -> new CertificateException("no certificate in the file"));
    } catch (IOException | CertificateException e) {
      return List.of(
          SelfCheckFinding.fail(
              "tls-certificate",
              "the served certificate cannot be read",
              "check BROKER_TLS_CERT and the file it names"));
    }
    List<SelfCheckFinding> out = new ArrayList<>();
    long days = Duration.between(now, leaf.getNotAfter().toInstant()).toDays();
    String seen = "expires " + leaf.getNotAfter().toInstant() + " (" + days + " days left)";
    String renew = "renew the certificate (for example certbot renew) and restart the broker";
    if (days < CERT_FAIL_DAYS) {
      out.add(SelfCheckFinding.fail("tls-certificate", seen, renew));
    } else if (days < CERT_WARN_DAYS) {
      out.add(SelfCheckFinding.warn("tls-certificate", seen, renew));
    } else {
      out.add(SelfCheckFinding.pass("tls-certificate", seen));
    }
    String subject = leaf.getSubjectX500Principal().getName();
    if (subject.contains("Payara Foundation") || subject.contains("GlassFish")) {
      out.add(
          SelfCheckFinding.fail(
              "vendor-keystore",
              "the served certificate is the application server's published default",
              "set BROKER_TLS_CERT and BROKER_TLS_KEY to your own certificate"));
    } else if (leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
      out.add(
          SelfCheckFinding.warn(
              "vendor-keystore",
              "a self-signed certificate made by the broker (browsers will warn)",
              "set BROKER_TLS_CERT and BROKER_TLS_KEY to a certificate from a public CA"));
    } else {
      out.add(SelfCheckFinding.pass("vendor-keystore", "an operator's certificate: " + subject));
    }
    return out;
  }

  static SelfCheckFinding plainHttp(SettingSource source) {
    try {
      return BrokerSettings.HTTP_PORT.value(source).isPresent()
          ? SelfCheckFinding.pass(
              "plain-http",
              "port "
                  + BrokerSettings.HTTP_PORT.value(source).getAsInt()
                  + " answers only with a redirect to https")
          : SelfCheckFinding.pass("plain-http", "off");
    } catch (RuntimeException e) {
      return SelfCheckFinding.pass("plain-http", "managed by the server");
    }
  }

  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  static List<SelfCheckFinding> dataDirectory(Path dataDir) {
    List<SelfCheckFinding> out = new ArrayList<>();
    try {
      Set<PosixFilePermission> dirPerms =
          Files.getPosixFilePermissions(dataDir, LinkOption.NOFOLLOW_LINKS);
      if (dirPerms.stream().anyMatch(OTHERS::contains)) {
        out.add(
            SelfCheckFinding.warn(
                "data-directory",
                dataDir + " can be opened by other users (" + perms(dirPerms) + ")",
                "chmod 700 " + dataDir));
      } else {
        out.add(SelfCheckFinding.pass("data-directory", dataDir + " is owner-only"));
      }
      boolean dirOpen = dirPerms.stream().anyMatch(OTHERS::contains);
      List<String> exposed = new ArrayList<>();
      for (String sub : List.of("secrets", "tls", "audit", "db", "backup")) {
        Path dir = dataDir.resolve(sub);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : files.toList()) {
            if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                && Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS).stream()
                    .anyMatch(OTHERS::contains)) {
              exposed.add(dataDir.relativize(f).toString());
            }
          }
        }
      }
      if (exposed.isEmpty()) {
        out.add(
            SelfCheckFinding.pass(
                "secret-files", "key, database, checkpoint and backup files are owner-only"));
      } else {
        String seen =
            "other users' permissions on "
                + String.join(", ", exposed.subList(0, Math.min(5, exposed.size())))
                + (exposed.size() > 5 ? " and " + (exposed.size() - 5) + " more" : "");
        out.add(
            dirOpen
                ? SelfCheckFinding.fail("secret-files", seen, "chmod 700 the data directory")
                : SelfCheckFinding.warn(
                    "secret-files",
                    seen + " (protected only by the data directory's own permissions)",
                    "chmod -R go-rwx " + dataDir));
      }
    } catch (UnsupportedOperationException e) {
      out.add(
          SelfCheckFinding.warn(
              "data-directory",
              "the file system has no POSIX permissions to check",
              "keep the data directory where only the broker's user can read it"));
    } catch (IOException e) {
      out.add(
          SelfCheckFinding.fail(
              "data-directory", dataDir + " cannot be read", "check BROKER_DATA_DIR"));
    }
    return out;
  }

  private static String perms(Set<PosixFilePermission> p) {
    return java.nio.file.attribute.PosixFilePermissions.toString(p);
  }

  static SelfCheckFinding database(SettingSource source) {
    Optional<String> url = BrokerSettings.DB_URL.read(source);
    if (url.isEmpty() || url.get().startsWith("jdbc:h2:")) {
      return SelfCheckFinding.pass(
          "database", "embedded H2 in the data directory (one instance only)");
    }
    boolean password =
        BrokerSettings.DB_PASSWORD.read(source).filter(p -> !p.isEmpty()).isPresent();
    if (!password) {
      return SelfCheckFinding.warn(
          "database",
          "PostgreSQL without a password (the server must not trust the network)",
          "give the broker's database user a password and set BROKER_DB_PASSWORD");
    }
    return SelfCheckFinding.pass("database", "PostgreSQL with a user and password");
  }

  /** The fewest characters of a database password; it is typed by no one, so it can be long. */
  static final int DB_PASSWORD_MIN_CHARS = 16;

  /** The fewest characters of an SMTP password (a mail provider's app password has 16). */
  static final int SMTP_PASSWORD_MIN_CHARS = 12;

  /** The fewest characters of a Stripe webhook secret after {@code whsec_}. */
  static final int WEBHOOK_SECRET_MIN_CHARS = 16;

  /**
   * The configured secrets that are weak ({@link SecretStrength}): the Stripe webhook secrets, the
   * cluster secret, {@code BROKER_MASTER_KEY}, the database password when the database is
   * PostgreSQL, the SMTP password. Names each weak one and why, never its value.
   */
  static SelfCheckFinding secrets(SettingSource source) {
    List<String> checked = new ArrayList<>();
    List<String> weak = new ArrayList<>();
    Optional<String> webhook = raw(source, BrokerSettings.STRIPE_WEBHOOK_SECRET.name());
    if (webhook.isPresent()) {
      String env = BrokerSettings.STRIPE_WEBHOOK_SECRET.environmentName();
      List<String> items =
          Arrays.stream(webhook.get().split(","))
              .map(String::trim)
              .filter(v -> !v.isEmpty())
              .toList();
      for (int i = 0; i < items.size(); i++) {
        String item = items.get(i);
        String body =
            item.startsWith(Rules.STRIPE_WEBHOOK_SECRET_PREFIX)
                ? item.substring(Rules.STRIPE_WEBHOOK_SECRET_PREFIX.length())
                : item;
        String which = items.size() == 1 ? env : env + " (secret number " + (i + 1) + ")";
        checked.add(which);
        SecretStrength.weakness(body, WEBHOOK_SECRET_MIN_CHARS)
            .ifPresent(why -> weak.add(which + ": " + why));
      }
    }
    check(
        source, BrokerSettings.CLUSTER_SECRET, Rules.CLUSTER_SECRET_MIN_CHARACTERS, checked, weak);
    raw(source, BrokerSettings.MASTER_KEY.name())
        .ifPresent(
            key -> {
              String env = BrokerSettings.MASTER_KEY.environmentName();
              checked.add(env);
              byte[] bytes;
              try {
                bytes = Base64.getDecoder().decode(key);
              } catch (IllegalArgumentException e) {
                bytes = new byte[0];
              }
              Optional<String> why =
                  bytes.length == 32
                      ? SecretStrength.keyWeakness(bytes)
                      : Optional.of("not 32 bytes in base64");
              why.ifPresent(w -> weak.add(env + ": " + w));
            });
    Optional<String> url = raw(source, BrokerSettings.DB_URL.name());
    if (url.isPresent() && !url.get().startsWith("jdbc:h2:")) {
      check(source, BrokerSettings.DB_PASSWORD, DB_PASSWORD_MIN_CHARS, checked, weak);
    }
    check(source, BrokerSettings.SMTP_PASSWORD, SMTP_PASSWORD_MIN_CHARS, checked, weak);
    if (!weak.isEmpty()) {
      return SelfCheckFinding.fail(
          "secrets",
          "weak: " + String.join("; ", weak),
          "replace each with a random value (openssl rand -base64 32; Stripe's webhook secret"
              + " from the endpoint's page in Stripe's dashboard, the SMTP password from the mail"
              + " provider) and restart the broker");
    }
    if (checked.isEmpty()) {
      return SelfCheckFinding.pass("secrets", "no configured secret to check");
    }
    return SelfCheckFinding.pass("secrets", "strong enough: " + String.join(", ", checked));
  }

  private static void check(
      SettingSource source,
      Setting<?> setting,
      int minChars,
      List<String> checked,
      List<String> weak) {
    raw(source, setting.name())
        .ifPresent(
            value -> {
              checked.add(setting.environmentName());
              SecretStrength.weakness(value, minChars)
                  .ifPresent(why -> weak.add(setting.environmentName() + ": " + why));
            });
  }

  /** The trimmed value as given, without the setting's rule (a weak value still is one). */
  private static Optional<String> raw(SettingSource source, String name) {
    return source.raw(name).map(String::trim).filter(v -> !v.isEmpty());
  }

  static SelfCheckFinding plaintextLogin(boolean allowed) {
    return allowed
        ? SelfCheckFinding.warn(
            "plaintext-login",
            "password posts without the browser's encryption are accepted",
            "set BROKER_LOGIN_ALLOW_PLAINTEXT=false")
        : SelfCheckFinding.pass("plaintext-login", "off: passwords arrive only encrypted (JWE)");
  }

  private SelfCheckFinding clock() {
    try {
      Object value = em.createNativeQuery("SELECT CURRENT_TIMESTAMP").getSingleResult();
      Instant database =
          value instanceof OffsetDateTime odt
              ? odt.toInstant()
              : value instanceof java.sql.Timestamp ts
                  ? ts.toInstant()
                  : value instanceof java.time.LocalDateTime ldt
                      ? ldt.atZone(java.time.ZoneId.systemDefault()).toInstant()
                      : null;
      if (database == null) {
        return SelfCheckFinding.warn(
            "clock", "the database's time could not be compared", "check NTP on both hosts");
      }
      return clockFinding(Duration.between(database, clock.instant()).abs());
    } catch (RuntimeException e) {
      return SelfCheckFinding.fail(
          "clock", "the database did not answer", "check the database connection");
    }
  }

  static SelfCheckFinding clockFinding(Duration skew) {
    String seen = "the broker's and the database's clocks differ by " + skew.toMillis() + " ms";
    if (skew.compareTo(CLOCK_FAIL) > 0) {
      return SelfCheckFinding.fail("clock", seen, "synchronise both hosts with NTP (chrony)");
    }
    if (skew.compareTo(CLOCK_WARN) > 0) {
      return SelfCheckFinding.warn("clock", seen, "synchronise both hosts with NTP (chrony)");
    }
    return SelfCheckFinding.pass("clock", seen);
  }

  static SelfCheckFinding backup(Path dataDir, Instant now) {
    Path file = dataDir.resolve(LAST_BACKUP_FILE);
    String make = "run java -jar broker.jar backup --recipient operator-key.asc --out FILE daily";
    try {
      if (!Files.isRegularFile(file)) {
        return SelfCheckFinding.warn("backup", "no backup made yet", make);
      }
      Instant last = Instant.parse(Files.readString(file).strip());
      Duration age = Duration.between(last, now);
      String seen = "the last backup was made " + last + " (" + age.toHours() + " hours ago)";
      if (age.compareTo(BACKUP_FAIL) > 0) {
        return SelfCheckFinding.fail("backup", seen, make);
      }
      if (age.compareTo(BACKUP_WARN) > 0) {
        return SelfCheckFinding.warn("backup", seen, make);
      }
      return SelfCheckFinding.pass("backup", seen);
    } catch (IOException | RuntimeException e) {
      return SelfCheckFinding.warn("backup", "the time of the last backup cannot be read", make);
    }
  }

  private SelfCheckFinding auditChain() {
    try {
      AuditVerification v = audit.verifyWithCheckpoint();
      return v.intact()
          ? SelfCheckFinding.pass("audit-chain", v.finding())
          : SelfCheckFinding.fail(
              "audit-chain",
              v.finding(),
              "find out who changed the database; java -jar broker.jar admin audit verify");
    } catch (RuntimeException e) {
      return SelfCheckFinding.fail(
          "audit-chain", "the audit chain could not be verified", "check the database");
    }
  }
}
