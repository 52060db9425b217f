package org.cmsbroker.launcher.sitecheck;

import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Strict-Transport-Security} on the HTTPS answer, with a {@code max-age} of at least half a
 * year (a shorter one is a warning).
 */
final class HstsCheck implements Check {
  static final long MIN_MAX_AGE = 15_768_000L;
  private static final Pattern MAX_AGE =
      Pattern.compile("(?i)(?:^|;)\\s*max-age\\s*=\\s*\"?([0-9]{1,12})\"?\\s*(?:;|$)");
  private static final String CHANGE =
      "send Strict-Transport-Security: max-age=31536000 on every HTTPS answer (nginx: add_header"
          + " Strict-Transport-Security \"max-age=31536000\" always;)";

  @Override
  public String name() {
    return "hsts";
  }

  @Override
  public List<Finding> run(SiteProbe probe) {
    URI uri = probe.target().https("");
    String target = uri.toString();
    SiteProbe.Answer answer;
    try {
      answer = probe.get(uri);
    } catch (SiteProbe.ProbeException e) {
      return List.of(
          Finding.warn(
              name(),
              target,
              "not checked: " + e.getMessage(),
              "make the site answer over HTTPS (see the certificate finding), then check again"));
    }
    String header = answer.header("Strict-Transport-Security").orElse(null);
    if (header == null) {
      return List.of(Finding.fail(name(), target, "no Strict-Transport-Security header", CHANGE));
    }
    Matcher m = MAX_AGE.matcher(header.trim());
    if (!m.find()) {
      return List.of(
          Finding.fail(
              name(),
              target,
              "Strict-Transport-Security without a max-age: " + Remote.text(header),
              CHANGE));
    }
    long maxAge = Long.parseLong(m.group(1));
    String seen = "Strict-Transport-Security: " + Remote.text(header);
    if (maxAge == 0) {
      return List.of(Finding.fail(name(), target, seen + " (max-age=0 turns HSTS off)", CHANGE));
    }
    if (maxAge < MIN_MAX_AGE) {
      return List.of(Finding.warn(name(), target, seen + " (under half a year)", CHANGE));
    }
    return List.of(Finding.pass(name(), target, seen));
  }
}
