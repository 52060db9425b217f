package org.cmsbroker.launcher.sitecheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole command against real servers on the loopback interface, clean and misconfigured. */
class SiteCheckCommandTest {
  private static final String LISTING =
      "<html>\r\n<head><title>Index of /sites/default/files/civicrm/upload/</title></head>\r\n"
          + "<body>\r\n<h1>Index of /sites/default/files/civicrm/upload/</h1><hr><pre>"
          + "<a href=\"../\">../</a>\r\n<a href=\"passport.pdf\">passport.pdf</a> 01-Jan-2025 10:00"
          + "  81234\r\n</pre><hr></body>\r\n</html>\r\n";

  private static TestSite.Ca ca;
  @TempDir static Path dir;
  private static Path caFile;

  @BeforeAll
  static void pki() throws Exception {
    ca = TestSite.Ca.create();
    caFile = ca.pem(dir);
  }

  private static TestSite.Leaf leafFor(Duration left) throws Exception {
    return ca.leaf(Instant.now().plus(left));
  }

  private record Run(int code, String out, String err) {}

  private static Run check(TestSite site, String... extra) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--site",
            site.url(),
            "--ca-file",
            caFile.toString(),
            "--http-port",
            Integer.toString(site.httpPort()),
            "--ftp-port",
            Integer.toString(site.ftpPort()),
            "--timeout",
            "5"));
    args.addAll(List.of(extra));
    return run(args);
  }

  private static Run run(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        SiteCheckCommand.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Clock.systemUTC());
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static List<Finding> findings(TestSite site) throws Exception {
    KeyStore anchors = SiteCheckCommand.anchors(caFile);
    SiteProbe probe =
        new SiteProbe(
            site.target(), Duration.ofSeconds(5), SiteProbe.trust(anchors), Clock.systemUTC());
    List<Finding> all = new ArrayList<>();
    for (Check check : SiteCheckCommand.checks()) {
      all.addAll(check.run(probe));
    }
    return all;
  }

  private static List<Finding> of(List<Finding> findings, String check) {
    return findings.stream().filter(f -> f.check().equals(check)).collect(Collectors.toList());
  }

  private static Status worst(List<Finding> findings, String check) {
    return of(findings, check).stream()
        .map(Finding::status)
        .max(Enum::compareTo)
        .orElseThrow(() -> new AssertionError("no finding for " + check + ": " + findings));
  }

  @Test
  void cleanSitePassesEveryCheckAndExitsZero() throws Exception {
    try (TestSite site = TestSite.builder().leaf(leafFor(Duration.ofDays(200))).start()) {
      Run run = check(site);
      assertEquals(0, run.code(), run.out() + run.err());
      assertFalse(run.out().contains("FAIL "), run.out());
      assertFalse(run.out().contains("WARN "), run.out());
      assertTrue(run.out().contains("Result: PASS (0 FAIL, 0 WARN,"), run.out());
      assertTrue(run.out().contains("TLS 1.0 refused"), run.out());
      assertTrue(run.out().contains("TLS 1.1 refused"), run.out());
      assertTrue(run.out().contains("not found at the usual places"), run.out());
      assertTrue(run.out().contains("nothing listens for FTP"), run.out());
    }
  }

  @Test
  void misconfiguredSiteFailsEachCheckWithWhatToChange() throws Exception {
    try (TestSite site =
        TestSite.builder()
            .leaf(leafFor(Duration.ofDays(3)))
            .noHsts()
            .noRedirect()
            .page(
                "/sites/default/files/civicrm/upload/",
                new TestSite.Page(200, "text/html", LISTING))
            .page(
                "/sites/default/files/civicrm/ConfigAndLog/CiviCRM.log",
                new TestSite.Page(200, "text/plain", "Jan 01 10:00:00  [info] contact 42 ..."))
            .ftp("500 AUTH not understood")
            .start()) {
      List<Finding> findings = findings(site);
      assertEquals(Status.FAIL, worst(findings, "certificate"), findings.toString());
      assertTrue(of(findings, "certificate").get(0).seen().contains("days left"));
      assertEquals(Status.FAIL, worst(findings, "http-redirect"));
      assertEquals(Status.FAIL, worst(findings, "hsts"));
      assertEquals(Status.FAIL, worst(findings, "exposed-paths"));
      assertTrue(
          of(findings, "exposed-paths").stream()
              .anyMatch(
                  f ->
                      f.target().endsWith("/sites/default/files/civicrm/upload/")
                          && f.seen().contains("listing")
                          && f.change().contains("autoindex off")));
      assertEquals(Status.FAIL, worst(findings, "civicrm-log"));
      assertTrue(
          of(findings, "civicrm-log").stream()
              .anyMatch(f -> f.target().endsWith("ConfigAndLog/CiviCRM.log")));
      assertEquals(Status.FAIL, worst(findings, "https-only-pages"));
      assertEquals(Status.FAIL, worst(findings, "ftp"));
      for (Finding f : findings) {
        if (f.status() != Status.PASS) {
          assertFalse(f.change().isBlank(), "no change named for " + f);
        }
      }
      Run run = check(site);
      assertEquals(1, run.code(), run.out());
      assertTrue(run.out().contains("Result: FAIL"), run.out());
    }
  }

  @Test
  void jsonReportCarriesEveryFindingAndTheResult() throws Exception {
    try (TestSite site = TestSite.builder().leaf(leafFor(Duration.ofDays(200))).noHsts().start()) {
      Run run = check(site, "--json");
      assertEquals(1, run.code(), run.out());
      String json = run.out();
      assertTrue(json.startsWith("{\"site\":\"" + site.url() + "\""), json);
      assertTrue(json.contains("\"result\":\"FAIL\""), json);
      assertTrue(
          json.contains(
              "{\"check\":\"hsts\",\"status\":\"FAIL\",\"target\":\"" + site.url() + "\""),
          json);
      assertTrue(json.contains("\"check\":\"certificate\",\"status\":\"PASS\""), json);
    }
  }

  @Test
  void certificateWithFewWeeksLeftIsAWarningAndExitsZero() throws Exception {
    try (TestSite site = TestSite.builder().leaf(leafFor(Duration.ofDays(20))).start()) {
      List<Finding> findings = findings(site);
      assertEquals(Status.WARN, worst(findings, "certificate"), findings.toString());
      assertEquals(0, check(site).code());
    }
  }

  @Test
  void certificateFromAnUntrustedCaFails() throws Exception {
    TestSite.Ca other = TestSite.Ca.create();
    try (TestSite site =
        TestSite.builder().leaf(other.leaf(Instant.now().plus(Duration.ofDays(200)))).start()) {
      List<Finding> findings = findings(site);
      Finding cert = of(findings, "certificate").get(0);
      assertEquals(Status.FAIL, cert.status());
      assertTrue(cert.seen().startsWith("the certificate is not accepted"), cert.seen());
      // The HTTPS probes could not run: they say so instead of passing.
      assertEquals(Status.WARN, worst(findings, "hsts"));
      assertEquals(Status.WARN, worst(findings, "exposed-paths"));
    }
  }

  @Test
  void expiredCertificateSaysWhenItExpired() throws Exception {
    try (TestSite site = TestSite.builder().leaf(leafFor(Duration.ofDays(-2))).start()) {
      Finding cert = of(findings(site), "certificate").get(0);
      assertEquals(Status.FAIL, cert.status());
      assertTrue(cert.seen().startsWith("the certificate expired on "), cert.seen());
    }
  }

  @Test
  void ftpOfferingTlsIsAWarning() throws Exception {
    try (TestSite site =
        TestSite.builder().leaf(leafFor(Duration.ofDays(200))).ftp("234 AUTH TLS OK").start()) {
      Finding ftp = of(findings(site), "ftp").get(0);
      assertEquals(Status.WARN, ftp.status(), ftp.toString());
    }
  }

  @Test
  void directoryAnswering200WithoutListingIsAWarning() throws Exception {
    try (TestSite site =
        TestSite.builder()
            .leaf(leafFor(Duration.ofDays(200)))
            .page("/typo3conf/", new TestSite.Page(200, "text/html", "<html>typo3conf</html>"))
            .start()) {
      List<Finding> exposed = of(findings(site), "exposed-paths");
      assertEquals(1, exposed.size(), exposed.toString());
      assertEquals(Status.WARN, exposed.get(0).status());
      assertTrue(exposed.get(0).target().endsWith("/typo3conf/"));
    }
  }

  @Test
  void siteAnswering200ForAnyPathIsNotMistakenForExposedFiles() throws Exception {
    try (TestSite site =
        TestSite.builder().leaf(leafFor(Duration.ofDays(200))).anyPathIs200().start()) {
      List<Finding> findings = findings(site);
      assertEquals(Status.PASS, worst(findings, "exposed-paths"), findings.toString());
      assertEquals(Status.PASS, worst(findings, "civicrm-log"));
    }
  }

  @Test
  void listingNamingAHashedLogReportsTheLog() throws Exception {
    String listing =
        "<html><head><title>Index of /media/civicrm/ConfigAndLog/</title></head><body>"
            + "<a href=\"CiviCRM.a1b2c3d4e5f6a7b8.log\">CiviCRM.a1b2c3d4e5f6a7b8.log</a></body>";
    try (TestSite site =
        TestSite.builder()
            .leaf(leafFor(Duration.ofDays(200)))
            .page("/media/civicrm/ConfigAndLog/", new TestSite.Page(200, "text/html", listing))
            .start()) {
      Finding log = of(findings(site), "civicrm-log").get(0);
      assertEquals(Status.FAIL, log.status());
      assertTrue(log.seen().contains("CiviCRM.a1b2c3d4e5f6a7b8.log"), log.seen());
    }
  }

  @Test
  void siteIsRequired() {
    Run run = run(List.of("--json"));
    assertEquals(2, run.code());
    assertTrue(run.err().contains("--site is required"), run.err());
  }

  @Test
  void plainHttpSiteIsRefused() {
    Run run = run(List.of("--site", "http://cms.example.org"));
    assertEquals(2, run.code());
    assertTrue(run.err().contains("https://"), run.err());
  }

  @Test
  void siteWithCredentialsIsRefused() {
    Run run = run(List.of("--site", "https://admin:secret@cms.example.org/"));
    assertEquals(2, run.code());
    assertTrue(run.err().contains("must not carry credentials"), run.err());
    assertFalse(run.err().contains("secret"), run.err());
  }

  @Test
  void unreadableCaFileIsAUsageError() {
    Run run = run(List.of("--site", "https://cms.example.org", "--ca-file", "/nonexistent/ca"));
    assertEquals(2, run.code());
    assertTrue(run.err().contains("--ca-file"), run.err());
  }

  @Test
  void helpListsTheChecksAndOptions() {
    Run run = run(List.of("--help"));
    assertEquals(0, run.code());
    for (String word :
        List.of("certificate", "legacy-tls", "hsts", "exposed-paths", "ftp", "--ca-file")) {
      assertTrue(run.out().contains(word), word);
    }
  }

  @Test
  void listingsOfApacheNginxAndIisAreRecognised() {
    assertTrue(ExposedPathsCheck.looksLikeListing(LISTING));
    assertTrue(
        ExposedPathsCheck.looksLikeListing(
            "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<html>\n <head>\n"
                + "  <title>Index of /files/civicrm</title>\n </head>"));
    assertTrue(ExposedPathsCheck.looksLikeListing("<pre>[To Parent Directory]</pre>"));
    assertFalse(ExposedPathsCheck.looksLikeListing("<html><title>Welcome</title></html>"));
  }

  @Test
  void siteUnderAPathProbesBelowIt() {
    SiteTarget t = SiteTarget.parse("https://example.org:8443/drupal", 8080, 2121);
    assertEquals("https://example.org:8443/drupal/typo3conf/", t.https("typo3conf/").toString());
    assertEquals("http://example.org:8080/drupal/typo3/", t.http("typo3/").toString());
  }
}
