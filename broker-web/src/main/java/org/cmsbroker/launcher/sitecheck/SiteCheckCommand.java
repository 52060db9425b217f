package org.cmsbroker.launcher.sitecheck;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@code broker.jar check --site https://cms.example.org}: runs every {@link Check} against one
 * site and prints the findings. Exit codes: 0 nothing failed (warnings allowed), 1 something
 * failed, 2 bad usage.
 */
public final class SiteCheckCommand {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private SiteCheckCommand() {}

  /** The checks, in the order they are reported. */
  static List<Check> checks() {
    return List.of(
        new CertificateCheck(),
        new LegacyTlsCheck(),
        new HttpsRedirectCheck(),
        new HstsCheck(),
        new ExposedPathsCheck(),
        new SecurePagesCheck(),
        new FtpCheck());
  }

  /**
   * The parsed command line.
   *
   * @param help only the usage was asked for
   * @param target the site
   * @param json print JSON instead of the table
   * @param caFile trust anchors replacing the JDK's trust store, or null
   * @param timeout for each connection and each answer
   */
  record Options(boolean help, SiteTarget target, boolean json, Path caFile, Duration timeout) {}

  /** A command line that cannot be used; the message is for the user. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  /** Runs {@code check} with its arguments (those after the word {@code check}). */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    return run(args, out, err, Clock.systemUTC());
  }

  static int run(List<String> args, PrintStream out, PrintStream err, Clock clock) {
    Options options;
    TrustManagerFactory trust;
    try {
      options = parse(args);
      if (options.help()) {
        out.print(usage());
        return OK;
      }
      trust = SiteProbe.trust(options.caFile() == null ? null : anchors(options.caFile()));
    } catch (UsageException e) {
      err.println("broker check: " + e.getMessage());
      err.print(usage());
      return USAGE;
    } catch (GeneralSecurityException e) {
      err.println("broker check: the JDK's trust store cannot be read: " + SiteProbe.describe(e));
      return USAGE;
    }
    SiteProbe probe;
    try {
      probe = new SiteProbe(options.target(), options.timeout(), trust, clock);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK offers no TLS context", e);
    }
    Instant at = clock.instant();
    List<Finding> findings = new ArrayList<>();
    for (Check check : checks()) {
      findings.addAll(check.run(probe));
    }
    String site = options.target().https("").toString();
    out.print(options.json() ? Report.json(site, at, findings) : Report.table(site, at, findings));
    return Report.failed(findings) ? FAILED : OK;
  }

  static Options parse(List<String> args) throws UsageException {
    if (args.size() == 1 && Set.of("help", "--help", "-h").contains(args.get(0))) {
      return new Options(true, null, false, null, DEFAULT_TIMEOUT);
    }
    String site = null;
    boolean json = false;
    Path caFile = null;
    Duration timeout = DEFAULT_TIMEOUT;
    int httpPort = 80;
    int ftpPort = 21;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--help", "-h", "help" -> {
          return new Options(true, null, false, null, DEFAULT_TIMEOUT);
        }
        case "--json" -> {
          if (value != null) {
            throw new UsageException("--json takes no value");
          }
          json = true;
        }
        case "--site", "--ca-file", "--timeout", "--http-port", "--ftp-port" -> {
          if (value == null) {
            if (i + 1 >= args.size()) {
              throw new UsageException(name + " needs a value");
            }
            value = args.get(++i);
          }
          switch (name) {
            case "--site" -> site = value;
            case "--ca-file" -> caFile = Path.of(value);
            case "--timeout" -> timeout = Duration.ofSeconds(number(name, value, 1, 60));
            case "--http-port" -> httpPort = number(name, value, 1, 65535);
            default -> ftpPort = number(name, value, 1, 65535);
          }
        }
        default -> throw new UsageException("unknown option \"" + Remote.text(arg) + "\"");
      }
    }
    if (site == null) {
      throw new UsageException("--site is required");
    }
    try {
      return new Options(false, SiteTarget.parse(site, httpPort, ftpPort), json, caFile, timeout);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static int number(String name, String value, int min, int max) throws UsageException {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new UsageException(name + " must be a whole number from " + min + " to " + max);
  }

  /** The certificates of a PEM (or DER) file as trust anchors. */
  static KeyStore anchors(Path file) throws UsageException {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new UsageException("--ca-file " + file + " holds no certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      return store;
    } catch (IOException e) {
      throw new UsageException("--ca-file " + file + " cannot be read: " + SiteProbe.describe(e));
    } catch (GeneralSecurityException e) {
      throw new UsageException(
          "--ca-file " + file + " is not a certificate file: " + SiteProbe.describe(e));
    }
  }

  static String usage() {
    return String.format(
        Locale.ROOT,
        """
        Usage: java -jar broker.jar check --site https://cms.example.org[/path/] [options]

        Probes a CiviCRM or TYPO3 site from outside, as their security guides ask:
          certificate       HTTPS with a trusted certificate for the host; warns under %d days
                            left, fails under %d
          legacy-tls        TLS 1.0 and 1.1 refused
          http-redirect     http:// redirects to https:// on the same host (or is not served)
          hsts              Strict-Transport-Security with max-age of half a year or more
          exposed-paths     CiviCRM's upload, custom, ConfigAndLog and templates_c directories
                            (Drupal, WordPress, Joomla, Backdrop and Standalone layouts) and
                            TYPO3's typo3conf/, var/log/, typo3temp/var/, fileadmin/_temp_/
                            neither reachable (200) nor listable ("Index of")
          civicrm-log       no CiviCRM log downloadable at the usual places (a hashed log
                            name cannot be guessed from outside; the report says so)
          https-only-pages  TYPO3's backend, WordPress's login and CiviCRM's admin and
                            contribution pages redirect from http:// to https://
          ftp               no plaintext FTP (port 21 answering without AUTH TLS)

        Options:
          --site URL        the site's https:// address (required)
          --json            print JSON instead of the table
          --ca-file FILE    trust the CA certificates in FILE (PEM) instead of the JDK's store
          --timeout SECONDS for each connection and answer (default %d)
          --http-port PORT  plain HTTP port probed (default 80)
          --ftp-port PORT   FTP port probed (default 21)

        Redirects are never followed, nothing is logged in to and no credentials or cookies are
        sent. Exit code: 0 nothing failed (warnings allowed), 1 something failed, 2 bad usage.
        """,
        CertificateCheck.WARN_DAYS,
        CertificateCheck.FAIL_DAYS,
        DEFAULT_TIMEOUT.toSeconds());
  }
}
