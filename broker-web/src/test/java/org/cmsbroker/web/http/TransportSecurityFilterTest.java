package org.cmsbroker.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.web.ServletStubs;
import org.cmsbroker.web.ServletStubs.RecordedResponse;
import org.junit.jupiter.api.Test;

class TransportSecurityFilterTest {
  private static final String PUBLIC_URL = "https://broker.example.org";

  private static HttpServletRequest plainRequest(String uri, String query) {
    return ServletStubs.request(
        false, uri, query, Map.of("Host", "evil.example", "X-Forwarded-Host", "evil.example"));
  }

  @Test
  void redirectUsesThePublicUrlNeverTheHostHeader() {
    assertEquals(
        "https://broker.example.org/login",
        TransportSecurityFilter.httpsLocation(PUBLIC_URL, plainRequest("/login", null)));
  }

  @Test
  void redirectKeepsTheQueryAsSent() {
    assertEquals(
        "https://broker.example.org/oauth2/authorize?client_id=cms&redirect_uri=https%3A%2F%2Fcms",
        TransportSecurityFilter.httpsLocation(
            PUBLIC_URL,
            plainRequest("/oauth2/authorize", "client_id=cms&redirect_uri=https%3A%2F%2Fcms")));
  }

  @Test
  void redirectKeepsThePathEncoded() {
    assertEquals(
        "https://broker.example.org/a%20b/%2e%2e",
        TransportSecurityFilter.httpsLocation(PUBLIC_URL, plainRequest("/a%20b/%2e%2e", null)));
  }

  @Test
  void redirectKeepsThePortOfThePublicUrl() {
    assertEquals(
        "https://localhost:8443/",
        TransportSecurityFilter.httpsLocation("https://localhost:8443", plainRequest("/", null)));
  }

  @Test
  void missingPathRedirectsToTheRoot() {
    assertEquals(
        "https://broker.example.org/",
        TransportSecurityFilter.httpsLocation(PUBLIC_URL, plainRequest(null, null)));
    assertEquals(
        "https://broker.example.org/",
        TransportSecurityFilter.httpsLocation(PUBLIC_URL, plainRequest("", null)));
  }

  @Test
  void absoluteUriInRequestLineCannotChangeTheRedirectHost() {
    assertEquals(
        "https://broker.example.org/",
        TransportSecurityFilter.httpsLocation(
            PUBLIC_URL, plainRequest("http://evil.example/x", null)));
  }

  @Test
  void plainHttpRequestGetsAPermanentRedirectWithoutReachingTheApplication() throws Exception {
    TransportSecurityFilter filter = new TransportSecurityFilter();
    filter.config = new BrokerConfig(Path.of("/data"), URI.create(PUBLIC_URL), 262144, null);
    RecordedResponse recorded = new RecordedResponse();
    AtomicInteger chained = new AtomicInteger();
    FilterChain chain = (req, res) -> chained.incrementAndGet();

    filter.doFilter(plainRequest("/login", "x=1"), recorded.response, chain);

    assertEquals(301, recorded.status);
    assertEquals("https://broker.example.org/login?x=1", recorded.headers.get("Location"));
    assertEquals("no-store", recorded.headers.get("Cache-Control"));
    assertEquals(0, recorded.contentLength);
    assertEquals("", recorded.body());
    assertEquals(0, chained.get());
    assertEquals(SecurityHeaders.HSTS, recorded.headers.get("Strict-Transport-Security"));
  }

  @Test
  void httpsRequestPassesOnWithSecurityHeaders() throws Exception {
    TransportSecurityFilter filter = new TransportSecurityFilter();
    filter.config = new BrokerConfig(Path.of("/data"), URI.create(PUBLIC_URL), 262144, null);
    RecordedResponse recorded = new RecordedResponse();
    AtomicInteger chained = new AtomicInteger();
    FilterChain chain = (req, res) -> chained.incrementAndGet();

    filter.doFilter(
        ServletStubs.request(true, "/login", null, Map.of("Host", "broker.example.org")),
        recorded.response,
        chain);

    assertEquals(1, chained.get());
    assertEquals(200, recorded.status);
    assertTrue(recorded.headers.containsKey("Content-Security-Policy"));
    assertEquals("nosniff", recorded.headers.get("X-Content-Type-Options"));
    assertEquals(null, recorded.headers.get("Location"));
  }

  @Test
  void onlyThePaymentPageMayBeFramedEverythingElseDeniesFraming() throws Exception {
    TransportSecurityFilter filter = new TransportSecurityFilter();
    filter.config = new BrokerConfig(Path.of("/data"), URI.create(PUBLIC_URL), 262144, null);
    FilterChain chain = (req, res) -> {};

    RecordedResponse pay = new RecordedResponse();
    filter.doFilter(
        ServletStubs.request(true, "/pay/pay_abc", null, Map.of()), pay.response, chain);
    assertEquals(null, pay.headers.get("X-Frame-Options"));
    assertEquals(SecurityHeaders.DEFAULT_CSP, pay.headers.get("Content-Security-Policy"));

    for (String other : new String[] {"/login", "/pay", "/payx/1", "/api/pay/x"}) {
      RecordedResponse recorded = new RecordedResponse();
      filter.doFilter(ServletStubs.request(true, other, null, Map.of()), recorded.response, chain);
      assertEquals("DENY", recorded.headers.get("X-Frame-Options"), other);
    }
  }
}
