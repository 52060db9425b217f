package org.cmsbroker.health;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The expiry state of the served certificate: days left, and whether that is expired or close
 * enough to warn. Immutable.
 *
 * @param notAfter end of validity of the leaf certificate
 * @param daysLeft whole days until {@code notAfter}; negative once expired
 */
public record CertificateExpiry(Instant notAfter, long daysLeft) {

  /** Fewer days than this left and health warns: Let's Encrypt renews at 30 days. */
  public static final long WARN_DAYS = 21;

  /** Reads the first (leaf) certificate of a PEM chain. */
  public static CertificateExpiry of(Path pemChain, Clock clock)
      throws IOException, CertificateException {
    try (InputStream in = Files.newInputStream(pemChain)) {
      X509Certificate leaf =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return of(leaf.getNotAfter().toInstant(), clock);
    }
  }

  /** The expiry state of a certificate valid until {@code notAfter}, seen at {@code clock}. */
  public static CertificateExpiry of(Instant notAfter, Clock clock) {
    Duration left = Duration.between(clock.instant(), notAfter);
    long days = left.isNegative() ? -1 - left.negated().toDays() : left.toDays();
    return new CertificateExpiry(notAfter, days);
  }

  public boolean expired() {
    return daysLeft < 0;
  }

  public boolean expiresSoon() {
    return daysLeft < WARN_DAYS;
  }
}
