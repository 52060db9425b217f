package org.cmsbroker.launcher.sitecheck;

import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CiviCRM's and TYPO3's private directories ({@link CmsPaths#PRIVATE_PATHS}) neither reachable nor
 * listable over HTTPS, and no CiviCRM log file downloadable.
 *
 * <p>"Listable": a 200 whose body looks like an autoindex page (Apache's and nginx's "Index of /",
 * IIS's "[To Parent Directory]"). "Reachable": a 200 for a known file whose body is not an HTML
 * page (a CMS that answers unknown paths with a 200 page is not mistaken for the file). A directory
 * answering 200 without a listing is a warning, unless the site answers 200 for any path at all.
 */
final class ExposedPathsCheck implements Check {
  static final String LOG_CHECK = "civicrm-log";
  private static final Pattern LISTING =
      Pattern.compile(
          "(?is)<title>\\s*(?:index of|directory listing for)\\s*/"
              + "|<h1>\\s*index of\\s*/"
              + "|\\[to parent directory\\]");
  private static final Pattern LOG_NAME = Pattern.compile("CiviCRM\\.[A-Za-z0-9._-]{0,80}\\.?log");

  @Override
  public String name() {
    return "exposed-paths";
  }

  /** Whether a body looks like a web server's generated directory listing. */
  static boolean looksLikeListing(String body) {
    return LISTING.matcher(body).find();
  }

  private static boolean looksLikeHtml(SiteProbe.Answer answer) {
    String start = answer.body().stripLeading().toLowerCase(Locale.ROOT);
    return answer.contentType().startsWith("text/html")
        || start.startsWith("<!doctype html")
        || start.startsWith("<html");
  }

  @Override
  public List<Finding> run(SiteProbe probe) {
    List<Finding> findings = new ArrayList<>();
    boolean anyPageIs200 = answersAnyPath(probe);
    int checked = 0;
    int unchecked = 0;
    String firstProblem = null;
    boolean logFound = false;
    for (CmsPaths.KnownPath known : CmsPaths.PRIVATE_PATHS) {
      URI uri = probe.target().https(known.path());
      SiteProbe.Answer answer;
      try {
        answer = probe.get(uri);
      } catch (SiteProbe.ProbeException e) {
        unchecked++;
        firstProblem = firstProblem == null ? e.getMessage() : firstProblem;
        continue;
      }
      checked++;
      if (answer.status() != 200) {
        continue;
      }
      String where = known.what() + " (" + known.layout() + ")";
      if (known.kind() == CmsPaths.Kind.DIRECTORY) {
        if (looksLikeListing(answer.body())) {
          findings.add(
              Finding.fail(
                  name(),
                  uri.toString(),
                  where + ": directory listing served",
                  denyDirectory(known.path())));
          Set<String> logs = logNames(answer.body());
          if (!logs.isEmpty()) {
            logFound = true;
            findings.add(
                Finding.fail(
                    LOG_CHECK,
                    uri.toString(),
                    "the listing names CiviCRM log files: " + Remote.text(String.join(", ", logs)),
                    denyDirectory(known.path())));
          }
        } else if (!anyPageIs200) {
          findings.add(
              Finding.warn(
                  name(),
                  uri.toString(),
                  where + ": answers 200 (no listing), so the directory may be served",
                  denyDirectory(known.path())));
        }
      } else if (!looksLikeHtml(answer)) {
        String directory = known.path().substring(0, known.path().lastIndexOf('/') + 1);
        if (known.civicrmLog()) {
          logFound = true;
          findings.add(
              Finding.fail(
                  LOG_CHECK,
                  uri.toString(),
                  "CiviCRM log file downloadable (" + known.layout() + ")",
                  denyDirectory(directory)
                      + "; then treat what the log held (contacts, payment details) as disclosed"));
        } else {
          findings.add(
              Finding.fail(
                  name(), uri.toString(), where + ": file downloadable", denyDirectory(directory)));
        }
      }
    }
    String base = probe.target().https("").toString();
    if (checked == 0) {
      findings.add(
          Finding.warn(
              name(),
              base,
              "not checked: " + (firstProblem == null ? "no answer" : firstProblem),
              "make the site answer over HTTPS (see the certificate finding), then check again"));
      return findings;
    }
    if (findings.stream().noneMatch(f -> f.check().equals(name()))) {
      findings.add(
          Finding.pass(
              name(),
              base,
              checked
                  + " paths of the Drupal, WordPress, Joomla, Backdrop, Standalone and TYPO3"
                  + " layouts: none reachable or listable"
                  + (unchecked > 0 ? " (" + unchecked + " did not answer)" : "")
                  + (anyPageIs200
                      ? " (the site answers 200 for any path, so only listings and"
                          + " files count)"
                      : "")));
    }
    if (!logFound) {
      findings.add(
          Finding.pass(
              LOG_CHECK,
              base,
              "no CiviCRM log: not found at the usual places (ConfigAndLog/CiviCRM.log and listings of"
                  + " the log directories); a hashed name (CiviCRM.<hash>.log) cannot be guessed"
                  + " from outside: CiviCRM's System Status checks the real one"));
    }
    return findings;
  }

  private static Set<String> logNames(String listing) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = LOG_NAME.matcher(listing);
    while (m.find() && names.size() < 5) {
      names.add(m.group());
    }
    return names;
  }

  /** Whether the site answers 200 for a path that cannot exist (a "soft 404"). */
  private static boolean answersAnyPath(SiteProbe probe) {
    byte[] random = new byte[8];
    new SecureRandom().nextBytes(random);
    URI uri = probe.target().https("sitecheck-" + HexFormat.of().formatHex(random) + "/");
    try {
      return probe.get(uri).status() == 200;
    } catch (SiteProbe.ProbeException e) {
      return false;
    }
  }

  static String denyDirectory(String path) {
    return "deny all web access to /"
        + path
        + " and turn listings off (nginx: location ^~ /"
        + path
        + " { deny all; } and autoindex off; Apache: Require all denied and Options -Indexes)";
  }
}
