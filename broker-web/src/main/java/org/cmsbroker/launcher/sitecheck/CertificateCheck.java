package org.cmsbroker.launcher.sitecheck;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * HTTPS with a valid certificate: trusted (by the JDK's trust store, or {@code --ca-file}), for the
 * site's host name, and not about to expire: a warning under {@value #WARN_DAYS} days left, a
 * failure under {@value #FAIL_DAYS}.
 */
final class CertificateCheck implements Check {
  static final int WARN_DAYS = 30;
  static final int FAIL_DAYS = 7;
  private static final String RENEW =
      "renew the certificate now and automate renewal (for example ACME with certbot), reloading"
          + " the web server after each renewal";

  @Override
  public String name() {
    return "certificate";
  }

  @Override
  public List<Finding> run(SiteProbe probe) {
    SiteTarget t = probe.target();
    String target = t.host() + ":" + t.httpsPort();
    SiteProbe.Handshake handshake;
    try {
      handshake = probe.handshake();
    } catch (SiteProbe.ProbeException e) {
      return List.of(
          Finding.fail(
              name(),
              target,
              "no HTTPS: " + e.getMessage(),
              "serve the site over HTTPS on port "
                  + t.httpsPort()
                  + " with a trusted certificate"));
    }
    X509Certificate leaf =
        handshake.chain() == null || handshake.chain().length == 0 ? null : handshake.chain()[0];
    Instant now = probe.clock().instant();
    if (handshake.failure() != null) {
      if (leaf != null && leaf.getNotAfter().toInstant().isBefore(now)) {
        return List.of(
            Finding.fail(
                name(),
                target,
                "the certificate expired on " + day(leaf.getNotAfter().toInstant()),
                RENEW));
      }
      return List.of(
          Finding.fail(
              name(),
              target,
              "the certificate is not accepted: " + Remote.text(handshake.failure()),
              "serve a certificate for "
                  + t.host()
                  + " from a certificate authority browsers trust, with its intermediate"
                  + " certificates"));
    }
    long daysLeft = Duration.between(now, leaf.getNotAfter().toInstant()).toDays();
    String seen =
        "valid until "
            + day(leaf.getNotAfter().toInstant())
            + " ("
            + daysLeft
            + " days left), "
            + handshake.protocol();
    if (daysLeft < FAIL_DAYS) {
      return List.of(Finding.fail(name(), target, seen, RENEW));
    }
    if (daysLeft < WARN_DAYS) {
      return List.of(Finding.warn(name(), target, seen, RENEW));
    }
    return List.of(Finding.pass(name(), target, seen));
  }

  private static LocalDate day(Instant instant) {
    return instant.atZone(ZoneOffset.UTC).toLocalDate();
  }
}
