package org.cmsbroker.web.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.cmsbroker.web.ServletStubs;
import org.cmsbroker.web.ServletStubs.RecordedResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorResponsesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/x",
        "/oauth2/token",
        "/webhooks/stripe",
        "/health",
        "/health/ready",
        "/.well-known/openid-configuration",
        "/csp-report"
      })
  void apiPathsGetJsonWhateverTheAcceptHeader(String path) {
    assertTrue(ErrorResponses.wantsJson(path, "text/html"));
    assertTrue(ErrorResponses.wantsJson(path, null));
  }

  @Test
  void pagePathGetsHtmlByDefault() {
    assertFalse(ErrorResponses.wantsJson("/login", null));
    assertFalse(ErrorResponses.wantsJson("/login", "*/*"));
  }

  @Test
  void pagePathGetsJsonWhenOnlyJsonIsAccepted() {
    assertTrue(ErrorResponses.wantsJson("/login", "Application/JSON"));
  }

  @Test
  void browserAcceptingBothGetsHtml() {
    assertFalse(ErrorResponses.wantsJson("/login", "text/html,application/json;q=0.9,*/*;q=0.8"));
  }

  @Test
  void missingPathFallsBackToAcceptHeader() {
    assertFalse(ErrorResponses.wantsJson(null, null));
    assertTrue(ErrorResponses.wantsJson(null, "application/json"));
  }

  @Test
  void apiPrefixMustMatchFromTheStart() {
    assertFalse(ErrorResponses.wantsJson("/pages/api/x", "text/html"));
    assertFalse(ErrorResponses.wantsJson("/api", "text/html"));
  }

  @Test
  void knownStatusesHaveFixedOAuthStyleCodes() {
    assertEquals(
        new ErrorResponses.Description(
            "invalid_request", "The request is malformed.", "Bad request"),
        ErrorResponses.describe(400));
    assertEquals("unauthorized", ErrorResponses.describe(401).error());
    assertEquals("access_denied", ErrorResponses.describe(403).error());
    assertEquals("not_found", ErrorResponses.describe(404).error());
    assertEquals("method_not_allowed", ErrorResponses.describe(405).error());
    assertEquals("request_too_large", ErrorResponses.describe(413).error());
    assertEquals("too_many_requests", ErrorResponses.describe(429).error());
    assertEquals("temporarily_unavailable", ErrorResponses.describe(503).error());
  }

  @Test
  void unknownServerErrorIsServerError() {
    assertEquals(
        new ErrorResponses.Description(
            "server_error", "An internal error occurred.", "Server error"),
        ErrorResponses.describe(502));
  }

  @Test
  void unknownClientErrorIsARefusedRequest() {
    assertEquals(
        new ErrorResponses.Description(
            "invalid_request", "The request was refused.", "Request refused"),
        ErrorResponses.describe(418));
  }

  @Test
  void jsonBodyIsOAuthStyle() throws Exception {
    RecordedResponse recorded = new RecordedResponse();

    ErrorResponses.write(recorded.response, 404, true, null);

    assertEquals(404, recorded.status);
    assertEquals("application/json;charset=UTF-8", recorded.contentType);
    assertEquals(
        "{\"error\":\"not_found\",\"error_description\":\"The requested resource does not"
            + " exist.\"}",
        recorded.body());
    assertEquals("no-store", recorded.headers.get("Cache-Control"));
  }

  @Test
  void jsonBodyNamesTheCorrelationId() throws Exception {
    RecordedResponse recorded = new RecordedResponse();

    ErrorResponses.write(recorded.response, 500, true, "c0ffee42");

    assertEquals(
        "{\"error\":\"server_error\",\"error_description\":\"An internal error occurred."
            + " Reference: c0ffee42.\"}",
        recorded.body());
  }

  @Test
  void htmlBodyIsAMinimalPage() throws Exception {
    RecordedResponse recorded = new RecordedResponse();

    ErrorResponses.write(recorded.response, 403, false, null);

    assertEquals(403, recorded.status);
    assertEquals("text/html;charset=UTF-8", recorded.contentType);
    assertEquals(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Forbidden</title>"
            + "</head><body><h1>Forbidden</h1><p>This is not allowed.</p></body></html>",
        recorded.body());
  }

  @Test
  void htmlBodyNamesTheCorrelationId() throws Exception {
    RecordedResponse recorded = new RecordedResponse();

    ErrorResponses.write(recorded.response, 500, false, "c0ffee42");

    assertTrue(
        recorded.body().contains("<p>An internal error occurred. Reference: c0ffee42.</p>"),
        recorded.body());
  }

  @Test
  void contentLengthIsTheUtf8ByteLengthOfTheBody() throws Exception {
    RecordedResponse recorded = new RecordedResponse();

    ErrorResponses.write(recorded.response, 413, false, null);

    assertEquals(recorded.body().getBytes(StandardCharsets.UTF_8).length, recorded.contentLength);
    assertEquals("UTF-8", recorded.characterEncoding);
  }

  @Test
  void bodyNeverNamesTheProductOrAVersion() throws Exception {
    for (int status : new int[] {400, 404, 413, 500, 503}) {
      for (boolean json : new boolean[] {true, false}) {
        RecordedResponse recorded = new RecordedResponse();
        ErrorResponses.write(recorded.response, status, json, null);
        String body = recorded.body().toLowerCase(java.util.Locale.ROOT);
        for (String leak : new String[] {"payara", "glassfish", "grizzly", "jersey", "exception"}) {
          assertFalse(body.contains(leak), status + " " + json + ": " + body);
        }
      }
    }
  }

  @Test
  void requestOnApiPathGetsJson() throws Exception {
    RecordedResponse recorded = new RecordedResponse();

    ErrorResponses.write(
        ServletStubs.request(true, "/api/v1/x", null, Map.of("Accept", "text/html")),
        recorded.response,
        405);

    assertEquals(405, recorded.status);
    assertEquals("application/json;charset=UTF-8", recorded.contentType);
    assertTrue(recorded.body().startsWith("{\"error\":\"method_not_allowed\""));
  }

  @Test
  void browserRequestOnPageGetsHtml() throws Exception {
    RecordedResponse recorded = new RecordedResponse();

    ErrorResponses.write(
        ServletStubs.request(true, "/login", null, Map.of("Accept", "text/html,*/*")),
        recorded.response,
        404);

    assertEquals("text/html;charset=UTF-8", recorded.contentType);
    assertTrue(recorded.body().contains("<title>Not found</title>"));
  }
}
