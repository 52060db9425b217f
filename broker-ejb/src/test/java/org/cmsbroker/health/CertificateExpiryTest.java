package org.cmsbroker.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateExpiryTest {
  private static final Instant NOT_AFTER = Instant.parse("2025-04-01T00:00:00Z");

  private static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  private static Path fixture() throws URISyntaxException {
    return Path.of(
        CertificateExpiryTest.class.getResource("/health/expires-2025-04-01.pem").toURI());
  }

  @Test
  void countsWholeDaysLeftRoundingDown() {
    CertificateExpiry expiry =
        CertificateExpiry.of(NOT_AFTER, at(NOT_AFTER.minus(Duration.ofDays(40).plusHours(23))));

    assertEquals(40, expiry.daysLeft());
    assertEquals(NOT_AFTER, expiry.notAfter());
    assertFalse(expiry.expired());
    assertFalse(expiry.expiresSoon());
  }

  @Test
  void exactlyTwentyOneDaysLeftDoesNotWarn() {
    CertificateExpiry expiry =
        CertificateExpiry.of(NOT_AFTER, at(NOT_AFTER.minus(Duration.ofDays(21))));

    assertEquals(21, expiry.daysLeft());
    assertFalse(expiry.expiresSoon());
  }

  @Test
  void lessThanTwentyOneDaysLeftWarns() {
    CertificateExpiry expiry =
        CertificateExpiry.of(NOT_AFTER, at(NOT_AFTER.minus(Duration.ofDays(21)).plusSeconds(1)));

    assertEquals(20, expiry.daysLeft());
    assertTrue(expiry.expiresSoon());
    assertFalse(expiry.expired());
  }

  @Test
  void lastSecondOfValidityIsNotExpired() {
    CertificateExpiry expiry = CertificateExpiry.of(NOT_AFTER, at(NOT_AFTER));

    assertEquals(0, expiry.daysLeft());
    assertFalse(expiry.expired());
    assertTrue(expiry.expiresSoon());
  }

  @Test
  void oneSecondPastNotAfterIsExpiredWithMinusOneDay() {
    CertificateExpiry expiry = CertificateExpiry.of(NOT_AFTER, at(NOT_AFTER.plusSeconds(1)));

    assertEquals(-1, expiry.daysLeft());
    assertTrue(expiry.expired());
    assertTrue(expiry.expiresSoon());
  }

  @Test
  void expiredForOneFullDayCountsMinusTwo() {
    CertificateExpiry expiry =
        CertificateExpiry.of(NOT_AFTER, at(NOT_AFTER.plus(Duration.ofDays(1)).plusSeconds(1)));

    assertEquals(-2, expiry.daysLeft());
  }

  @Test
  void readsNotAfterOfLeafFromPemFile() throws Exception {
    CertificateExpiry expiry =
        CertificateExpiry.of(fixture(), at(Instant.parse("2025-03-02T00:00:00Z")));

    assertEquals(NOT_AFTER, expiry.notAfter());
    assertEquals(30, expiry.daysLeft());
  }

  @Test
  void missingPemFileFailsWithNoSuchFile(@TempDir Path dir) {
    assertThrows(
        NoSuchFileException.class,
        () -> CertificateExpiry.of(dir.resolve("absent.pem"), at(NOT_AFTER)));
  }

  @Test
  void fileWithoutCertificateFailsWithCertificateException(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("not-a-cert.pem");
    Files.writeString(file, "hello\n", StandardCharsets.US_ASCII);

    assertThrows(CertificateException.class, () -> CertificateExpiry.of(file, at(NOT_AFTER)));
  }
}
