package org.cmsbroker.csp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CspReportParserTest {
  private final CspReportParser parser =
      new CspReportParser(URI.create("https://broker.example.org"));

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String rejection(String body, boolean reportsJson) {
    return assertThrows(
            CspReportRejectedException.class,
            () -> {
              if (reportsJson) {
                parser.parseReportsJson(utf8(body), null);
              } else {
                parser.parseReportUri(utf8(body), null);
              }
            })
        .getMessage();
  }

  @Test
  void reportUriBodyIsReducedToPathDirectiveAndOrigin() throws Exception {
    CspViolation v =
        parser.parseReportUri(
            utf8(
                """
                {"csp-report": {
                  "document-uri": "https://broker.example.org/pay/pay_abc123?x=secret",
                  "referrer": "https://cms.example.org/donate?email=a@b.c",
                  "violated-directive": "script-src-elem",
                  "effective-directive": "script-src-elem",
                  "original-policy": "default-src 'none'",
                  "blocked-uri": "https://evil.example.net:8443/skim.js?card=4242",
                  "disposition": "enforce",
                  "status-code": 200}}
                """),
            "Mozilla/5.0 (X11) Chrome/120");

    assertEquals(
        new CspViolation(
            "/pay/{id}",
            "script-src-elem",
            "https://evil.example.net:8443",
            "enforce",
            "Mozilla/5.0 (X11) Chrome/120"),
        v);
  }

  @Test
  void olderBrowsersViolatedDirectiveGivesTheDirectiveName() throws Exception {
    CspViolation v =
        parser.parseReportUri(
            utf8(
                "{\"csp-report\":{\"document-uri\":\"https://broker.example.org/login\","
                    + "\"violated-directive\":\"img-src 'self'\",\"blocked-uri\":\"data\"}}"),
            null);

    assertEquals("/login", v.pagePath());
    assertEquals("img-src", v.effectiveDirective());
    assertEquals("data", v.blockedOrigin());
    assertNull(v.userAgent());
  }

  @Test
  void reportsJsonBodyKeepsOnlyCspViolations() throws Exception {
    List<CspViolation> found =
        parser.parseReportsJson(
            utf8(
                """
                [{"age": 10, "type": "deprecation", "url": "https://broker.example.org/",
                  "body": {"id": "x"}},
                 {"age": 2, "type": "csp-violation",
                  "url": "https://broker.example.org/pay/pay_x",
                  "user_agent": "Chromium/130",
                  "body": {"documentURL": "https://broker.example.org/pay/pay_x",
                           "effectiveDirective": "frame-ancestors",
                           "blockedURL": "https://broker.example.org/pay/pay_x",
                           "disposition": "enforce", "statusCode": 200}}]
                """),
            "header agent");

    assertEquals(
        List.of(
            new CspViolation(
                "/pay/{id}",
                "frame-ancestors",
                "https://broker.example.org",
                "enforce",
                "Chromium/130")),
        found);
  }

  @Test
  void reportsJsonWithoutCspViolationsIsEmpty() throws Exception {
    assertEquals(
        List.of(),
        parser.parseReportsJson(utf8("[{\"type\":\"intervention\",\"body\":{}}]"), null));
  }

  @Test
  void pagesOfOtherOriginsAreKeptWithoutTheirPath() throws Exception {
    CspViolation v =
        parser.parseReportUri(
            utf8(
                "{\"csp-report\":{\"document-uri\":\"https://broker.example.org.evil.net/x\","
                    + "\"effective-directive\":\"script-src\",\"blocked-uri\":\"inline\"}}"),
            null);
    assertEquals(CspReportParser.OTHER_ORIGIN, v.pagePath());
    assertEquals("inline", v.blockedOrigin());
    assertEquals(CspReportParser.UNUSUAL_PATH, parser.pagePath("https://broker.example.org/a%0Ab"));
    assertEquals("/", parser.pagePath("https://broker.example.org:443"));
    assertEquals(CspReportParser.OTHER_ORIGIN, parser.pagePath("https://broker.example.org:8443/"));
  }

  @Test
  void blockedUrisBecomeOriginsKeywordsOrSchemes() {
    assertEquals(
        "https://js.stripe.com", CspReportParser.blockedOrigin("https://JS.stripe.com/v3/"));
    assertEquals("eval", CspReportParser.blockedOrigin("eval"));
    assertEquals("chrome-extension:", CspReportParser.blockedOrigin("chrome-extension://abc/x.js"));
    assertEquals("data:", CspReportParser.blockedOrigin("data:text/html;base64,PHNjcmlwdD4="));
    assertEquals(CspReportParser.NONE, CspReportParser.blockedOrigin(""));
    assertEquals(CspReportParser.NONE, CspReportParser.blockedOrigin(null));
    assertEquals(CspReportParser.UNPARSABLE, CspReportParser.blockedOrigin("http://a b/"));
    assertEquals(CspReportParser.UNPARSABLE, CspReportParser.blockedOrigin("just words"));
  }

  @Test
  void userAgentIsTruncatedAndStrippedOfControlCharacters() {
    assertEquals("AB", CspReportParser.userAgent("A\r\nB\u202e"));
    assertEquals(200, CspReportParser.userAgent("x".repeat(1000)).length());
    assertNull(CspReportParser.userAgent(" \n "));
  }

  @Test
  void malformedJsonIsRejected() {
    assertEquals("The report is not valid JSON.", rejection("{\"csp-report\":", false));
    assertEquals("The report is not valid JSON.", rejection("{csp-report: {}}", false));
    assertEquals("The report is not valid JSON.", rejection("[] []", true));
    assertEquals(
        "The report is not UTF-8.",
        assertThrows(
                CspReportRejectedException.class,
                () -> parser.parseReportUri(new byte[] {'"', (byte) 0xff, '"'}, null))
            .getMessage());
  }

  @Test
  void bodiesOfTheWrongShapeAreRejected() {
    assertEquals("A csp-report body is a JSON object.", rejection("[]", false));
    assertEquals(
        "A csp-report body has a \"csp-report\" object.", rejection("{\"report\":{}}", false));
    assertEquals(
        "The report names no document URL.",
        rejection("{\"csp-report\":{\"effective-directive\":\"script-src\"}}", false));
    assertEquals(
        "The report names no valid directive.",
        rejection(
            "{\"csp-report\":{\"document-uri\":\"https://broker.example.org/\","
                + "\"effective-directive\":\"script-src; x\"}}",
            false));
    assertEquals("A reports+json body is a JSON array of reports.", rejection("{}", true));
    assertEquals("Each report is a JSON object.", rejection("[1]", true));
    assertEquals("Each report has a string \"type\".", rejection("[{\"type\":1}]", true));
    assertEquals(
        "A csp-violation report has a \"body\" object.",
        rejection("[{\"type\":\"csp-violation\",\"body\":\"x\"}]", true));
    assertEquals(
        "The report names no document URL.",
        rejection("[{\"type\":\"csp-violation\",\"body\":{\"effectiveDirective\":\"x\"}}]", true));
  }

  @Test
  void tooManyReportsOrTooLargeABodyIsRejected() {
    String many =
        "[" + "{\"type\":\"x\"},".repeat(CspReportParser.MAX_REPORTS) + "{\"type\":\"x\"}]";
    assertEquals("A reports+json body may carry at most 50 reports.", rejection(many, true));
    String large =
        "{\"csp-report\":{\"document-uri\":\""
            + "a".repeat(CspReportParser.MAX_BODY_BYTES)
            + "\"}}";
    assertEquals("A report may be at most 16384 bytes.", rejection(large, false));
  }
}
