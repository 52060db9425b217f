package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.Https;
import org.cmsbroker.it.support.PreparedRuntime;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real WAR, deployed by Arquillian on Payara Micro with the launcher's TLS configuration,
 * talked to over HTTPS: security headers on pages, API answers and errors; the broker's own error
 * bodies; no product name or version anywhere; plain HTTP only redirects.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DeployedWarIT {
  /** Anything that would name the server software or its version. */
  private static final Pattern PRODUCT =
      Pattern.compile(
          "payara|glassfish|grizzly|jersey|eclipse|weld|wadl|servlet/\\d|jsp/\\d|6\\.2025",
          Pattern.CASE_INSENSITIVE);

  private HttpClient client;
  private String base;

  @Deployment(testable = false)
  static WebArchive deployment() {
    // broker.war as built, whole (the launcher deploys its own code and its libraries apart).
    Path war = BrokerHome.home().resolve("broker.war");
    // The archive's name makes Payara deploy it at "/".
    return ShrinkWrap.create(ZipImporter.class, "ROOT.war")
        .importFrom(war.toFile())
        .as(WebArchive.class);
  }

  @BeforeEach
  void client() throws Exception {
    client = Https.client(Path.of(System.getProperty(PreparedRuntime.DATA_DIR)));
    base = "https://localhost:" + System.getProperty(PreparedRuntime.HTTPS_PORT);
  }

  private static void assertSecurityHeaders(HttpResponse<?> response) {
    var headers = response.headers();
    assertEquals(
        "max-age=63072000; includeSubDomains",
        headers.firstValue("strict-transport-security").orElse(null),
        "HSTS on " + response.uri());
    assertEquals("nosniff", headers.firstValue("x-content-type-options").orElse(null));
    assertTrue(headers.firstValue("referrer-policy").isPresent(), "Referrer-Policy");
    String csp = headers.firstValue("content-security-policy").orElse("");
    assertTrue(csp.contains("default-src 'none'"), "CSP default-src: " + csp);
    assertTrue(csp.contains("frame-ancestors 'none'"), "CSP frame-ancestors: " + csp);
  }

  @Test
  void pageCarriesSecurityHeaders() throws Exception {
    HttpResponse<String> page = Https.get(client, base + "/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
    assertSecurityHeaders(page);
  }

  @Test
  void apiAnswerCarriesSecurityHeaders() throws Exception {
    HttpResponse<String> ready = Https.get(client, base + "/health/ready");
    assertEquals(200, ready.statusCode(), ready.body());
    assertTrue(ready.body().contains("\"status\":\"UP\""), ready.body());
    assertTrue(ready.body().contains("daysToExpiry"), "certificate check: " + ready.body());
    assertSecurityHeaders(ready);
  }

  @Test
  void liveAnswersUp() throws Exception {
    HttpResponse<String> live = Https.get(client, base + "/health/live");
    assertEquals(200, live.statusCode());
    assertSecurityHeaders(live);
  }

  @Test
  void unknownPageIsTheBrokersOwnHtml404() throws Exception {
    HttpResponse<String> missing = Https.get(client, base + "/no/such/page");
    assertEquals(404, missing.statusCode());
    assertTrue(missing.headers().firstValue("content-type").orElse("").startsWith("text/html"));
    assertTrue(missing.body().contains("<h1>Not found</h1>"), missing.body());
    assertSecurityHeaders(missing);
  }

  @Test
  void unknownApiPathIsOAuthStyleJson404() throws Exception {
    HttpResponse<String> missing = Https.get(client, base + "/api/v1/nothing-here");
    assertEquals(404, missing.statusCode());
    assertTrue(
        missing.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    assertTrue(missing.body().contains("\"error\":\"not_found\""), missing.body());
    assertTrue(missing.body().contains("\"error_description\""), missing.body());
    assertSecurityHeaders(missing);
  }

  @Test
  void wrongMethodIsTheBrokersOwn405() throws Exception {
    HttpResponse<String> answer =
        Https.send(
            client, HttpRequest.newBuilder(URI.create(base + "/health/ready")).DELETE().build());
    assertEquals(405, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("\"error\":\"method_not_allowed\""), answer.body());
    assertSecurityHeaders(answer);
  }

  @Test
  void oversizedBodyIsRefusedWith413() throws Exception {
    byte[] big = new byte[300 * 1024];
    HttpResponse<String> answer =
        Https.send(
            client,
            HttpRequest.newBuilder(URI.create(base + "/api/v1/anything"))
                .version(HttpClient.Version.HTTP_1_1)
                // The broker refuses on Content-Length alone, before the body is sent.
                .expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                .build());
    assertEquals(413, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("\"error\":\"request_too_large\""), answer.body());
    assertSecurityHeaders(answer);
  }

  @Test
  void oversizedChunkedBodyIsRefusedWith413() throws Exception {
    byte[] big = new byte[300 * 1024];
    HttpResponse<String> answer =
        Https.send(
            client,
            HttpRequest.newBuilder(URI.create(base + "/api/v1/anything"))
                .version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json")
                // No length known up front: sent chunked, counted while read.
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build());
    assertTrue(
        answer.statusCode() == 413 || answer.statusCode() == 404,
        "chunked body: " + answer.statusCode());
    assertFalse(PRODUCT.matcher(answer.body()).find(), answer.body());
  }

  @Test
  void noProductNameOrVersionInAnyHeaderOrBody() throws Exception {
    List<HttpRequest> requests = new ArrayList<>();
    for (String path :
        List.of("/", "/health/ready", "/nope", "/api/v1/nope", "/error", "/metrics")) {
      requests.add(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }
    requests.add(
        HttpRequest.newBuilder(URI.create(base + "/api/v1/x"))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .build());
    requests.add(
        HttpRequest.newBuilder(URI.create(base + "/"))
            .method("TRACE", HttpRequest.BodyPublishers.noBody())
            .build());
    requests.add(
        HttpRequest.newBuilder(URI.create(base + "/index.html"))
            .method("DELETE", HttpRequest.BodyPublishers.noBody())
            .build());
    for (HttpRequest request : requests) {
      HttpResponse<String> response = Https.send(client, request);
      for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
        assertFalse(
            PRODUCT.matcher(header.getKey() + ": " + header.getValue()).find(),
            request.method() + " " + request.uri() + " header " + header);
      }
      assertFalse(header(response, "server"), "Server header on " + request.uri());
      assertFalse(header(response, "x-powered-by"), "X-Powered-By on " + request.uri());
      assertFalse(
          PRODUCT.matcher(response.body()).find(),
          request.method() + " " + request.uri() + " body: " + response.body());
    }
  }

  private static boolean header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).isPresent();
  }

  @Test
  void internalEndpointsAreNotPublic() throws Exception {
    for (String path : List.of("/metrics", "/openapi", "/asadmin", "/management")) {
      HttpResponse<String> response = Https.get(client, base + path);
      assertEquals(404, response.statusCode(), path + ": " + response.body());
    }
  }

  @Test
  void plainHttpAnswersOnlyWith301ToTheSamePathOnHttps() throws Exception {
    HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    String http = "http://localhost:" + System.getProperty(PreparedRuntime.HTTP_PORT);
    for (HttpRequest request :
        List.of(
            HttpRequest.newBuilder(URI.create(http + "/health/ready?probe=1")).GET().build(),
            HttpRequest.newBuilder(URI.create(http + "/api/v1/payments"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build())) {
      HttpResponse<String> response = Https.send(plain, request);
      assertEquals(301, response.statusCode(), request.uri().toString());
      assertEquals("", response.body());
      String location = response.headers().firstValue("location").orElse("");
      String expected =
          base
              + request.uri().getRawPath()
              + (request.uri().getRawQuery() == null ? "" : "?" + request.uri().getRawQuery());
      assertEquals(expected, location);
    }
  }
}
