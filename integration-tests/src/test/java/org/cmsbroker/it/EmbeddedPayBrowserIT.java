package org.cmsbroker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmsbroker.it.support.BrokerHome;
import org.cmsbroker.it.support.Browser;
import org.cmsbroker.it.support.FakeStripe;
import org.cmsbroker.it.support.Https;
import org.cmsbroker.it.support.PaymentJson;
import org.cmsbroker.it.support.PaymentsBroker;
import org.cmsbroker.ratelimit.RateLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The embedded payment page end to end: a CMS (a small HTTP server on {@code 127.0.0.1}, its origin
 * registered for the client) frames the broker's {@code /pay/{id}} in headless Chromium and sees
 * it; the same parent page on {@code localhost} (not registered) is refused by {@code
 * frame-ancestors}. The payment is created through the API against a fake Stripe (WireMock). There
 * is no internet here: Stripe's hosts are made unresolvable in Chromium, so the page shows its
 * fallback message, which proves the broker's own script ran under the page's CSP and SRI.
 */
class EmbeddedPayBrowserIT {
  static final String PUBLISHABLE_KEY = "pk_test_" + "51FakePublishableKeyForTests";
  static final String CLIENT_SECRET = "cs_test_embedded_secret_" + "Xy12";

  /** Loads of /pay per minute per address on the broker without a publishable key. */
  static final int PAY_PAGE_LIMIT = 3;

  private static WireMockServer stripe;
  private static PaymentsBroker broker;
  private static PaymentsBroker noKeyBroker;
  private static HttpServer allowedSite;
  private static HttpServer otherSite;
  private static String allowedOrigin;
  private static String otherOrigin;
  private static String base;
  private static String token;
  private static volatile String framedUrl;

  @BeforeAll
  static void start() throws Exception {
    stripe = FakeStripe.start(FakeStripe.embeddedSession(CLIENT_SECRET));

    allowedSite = parentSite();
    otherSite = parentSite();
    allowedOrigin = "http://127.0.0.1:" + allowedSite.getAddress().getPort();
    otherOrigin = "http://localhost:" + otherSite.getAddress().getPort();

    broker =
        PaymentsBroker.builder("embedded-pay")
            .stripe(stripe)
            .publishableKey(PUBLISHABLE_KEY)
            .start();
    base = broker.base();
    noKeyBroker =
        PaymentsBroker.builder("embedded-pay-nokey")
            .stripe(stripe)
            // Low enough that one test can cross it; no other test loads /pay on this broker.
            .setting("BROKER_PAY_PAGE_RATE_IP_PER_MINUTE", Integer.toString(PAY_PAGE_LIMIT))
            .start();

    broker.awaitReady();
    noKeyBroker.awaitReady();
    token = token(broker);
  }

  /** A CMS page that frames whatever {@link #framedUrl} is. */
  private static HttpServer parentSite() throws Exception {
    HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    site.createContext(
        "/donate",
        exchange -> {
          byte[] page =
              ("<!DOCTYPE html><html><head><title>CMS donation</title></head><body>"
                      + "<h1>Donate</h1><iframe id=\"payment\" title=\"Payment\" src=\""
                      + framedUrl
                      + "\" allow=\"payment\" width=\"800\" height=\"900\"></iframe>"
                      + "</body></html>")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/html;charset=utf-8");
          exchange.sendResponseHeaders(200, page.length);
          exchange.getResponseBody().write(page);
          exchange.close();
        });
    site.start();
    return site;
  }

  /** Registers the CMS client with the allowed origin and gets a client_credentials token. */
  private static String token(PaymentsBroker on) throws Exception {
    return on.token("cms", on.addClient("CMS", "cms", allowedOrigin));
  }

  @AfterAll
  static void stop() throws Exception {
    for (HttpServer site : new HttpServer[] {allowedSite, otherSite}) {
      if (site != null) {
        site.stop(0);
      }
    }
    PaymentsBroker.stopAll(broker, noKeyBroker, stripe);
  }

  private static HttpClient http() throws Exception {
    return broker.http();
  }

  private static HttpResponse<String> createPayment(PaymentsBroker on, String bearer, String mode)
      throws Exception {
    String json =
        // Underscores, not a UUID's dashes: dash-joined digit groups can add up to a Luhn-valid
        // 13-19 digit run, which the broker rightly refuses as a card number.
        PaymentJson.donation(
                1500, "contrib-" + UUID.randomUUID().toString().replace('-', '_'), allowedOrigin)
            .mode(mode)
            .toJson();
    return on.createPayment(bearer, UUID.randomUUID().toString(), json);
  }

  /** A new embedded payment's {@code embed_url}. */
  private static String embeddedPayment() throws Exception {
    HttpResponse<String> created = createPayment(broker, token, "embedded");
    assertEquals(201, created.statusCode(), created.body());
    String embedUrl = (String) JSONObjectUtils.parse(created.body()).get("embed_url");
    assertTrue(embedUrl.startsWith(base + "/pay/pay_"), embedUrl);
    return embedUrl;
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return get(http(), url);
  }

  private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  /** The CSP as directive name to its sources. */
  private static Map<String, String> csp(HttpResponse<?> response) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : header(response, "Content-Security-Policy").split(";")) {
      String[] words = part.strip().split(" ", 2);
      out.put(words[0], words.length > 1 ? words[1] : "");
    }
    return out;
  }

  @Test
  void payPageHasItsOwnPolicyWithAFreshNonceAndTheClientsOriginAsFrameAncestor() throws Exception {
    String embedUrl = embeddedPayment();
    HttpResponse<String> first = get(embedUrl);
    HttpResponse<String> second = get(embedUrl);

    assertEquals(200, first.statusCode(), first.body());
    Map<String, String> policy = csp(first);
    assertEquals(allowedOrigin, policy.get("frame-ancestors"));
    assertEquals("'none'", policy.get("default-src"));
    assertEquals("/csp-report", policy.get("report-uri"));
    assertEquals("csp-endpoint", policy.get("report-to"));
    Matcher nonce = Pattern.compile("'nonce-([A-Za-z0-9+/=]+)'").matcher(policy.get("script-src"));
    assertTrue(nonce.find(), policy.get("script-src"));
    assertEquals(
        "'nonce-" + nonce.group(1) + "' https://js.stripe.com https://*.js.stripe.com",
        policy.get("script-src"));
    Matcher secondNonce =
        Pattern.compile("'nonce-([A-Za-z0-9+/=]+)'").matcher(csp(second).get("script-src"));
    assertTrue(secondNonce.find());
    assertNotEquals(nonce.group(1), secondNonce.group(1), "every answer has its own nonce");

    assertEquals(null, header(first, "X-Frame-Options"), "nothing contradicts frame-ancestors");
    assertEquals("DENY", header(get(base + "/login"), "X-Frame-Options"), "other pages deny");
    assertEquals("csp-endpoint=\"" + base + "/csp-report\"", header(first, "Reporting-Endpoints"));
    assertEquals("no-store", header(first, "Cache-Control"));
    assertEquals("no-referrer", header(first, "Referrer-Policy"));
    assertEquals(null, header(first, "Set-Cookie"), "the page sets no cookie");

    String body = first.body();
    assertTrue(
        body.contains(
            "<script src=\"https://js.stripe.com/v3/\" nonce=\"" + nonce.group(1) + "\" defer>"),
        body);
    assertTrue(
        Pattern.compile(
                "<script src=\"/assets/pay.js\" nonce=\""
                    + Pattern.quote(nonce.group(1))
                    + "\" integrity=\"sha384-[A-Za-z0-9+/=]+\" defer>")
            .matcher(body)
            .find(),
        body);
    assertTrue(body.contains("\"publishableKey\":\"" + PUBLISHABLE_KEY + "\""), body);
    assertTrue(body.contains("\"clientSecret\":\"" + CLIENT_SECRET + "\""), body);
    assertFalse(body.contains("<script>"), "no inline script");
  }

  @Test
  void unknownPaymentIsNotFoundAndCannotBeFramed() throws Exception {
    HttpResponse<String> answer = get(base + "/pay/pay_doesNotExist000000000000");
    assertEquals(404, answer.statusCode());
    assertEquals("'none'", csp(answer).get("frame-ancestors"));
    assertTrue(answer.body().contains("Payment not found"), answer.body());
    assertEquals(404, get(base + "/pay/not-an-id").statusCode());
  }

  @Test
  void onlyGetAndHeadAreAllowed() throws Exception {
    String embedUrl = embeddedPayment();
    HttpResponse<String> posted =
        http()
            .send(
                HttpRequest.newBuilder(URI.create(embedUrl))
                    .POST(HttpRequest.BodyPublishers.ofString("x"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(405, posted.statusCode());
    assertEquals("GET, HEAD", header(posted, "Allow"));
    HttpResponse<Void> head =
        http()
            .send(
                HttpRequest.newBuilder(URI.create(embedUrl))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    assertEquals(200, head.statusCode());
  }

  @Test
  void redirectPaymentIsNotPaidOnThisPage() throws Exception {
    HttpResponse<String> created = createPayment(broker, token, "redirect");
    assertEquals(201, created.statusCode(), created.body());
    String id = (String) JSONObjectUtils.parse(created.body()).get("id");
    HttpResponse<String> page = get(base + "/pay/" + id);
    assertEquals(409, page.statusCode());
    assertTrue(page.body().contains("data-state=\"not-embedded\""), page.body());
    assertFalse(csp(page).containsKey("script-src"));
  }

  @Test
  void payPageLoadsBeyondTheLimitOfOneAddressAreRefusedWithRetryAfter() throws Exception {
    HttpClient noKey = noKeyBroker.http();
    String url = noKeyBroker.base() + "/pay/pay_doesNotExist000000000000";
    for (int i = 0; i < PAY_PAGE_LIMIT; i++) {
      assertEquals(404, get(noKey, url).statusCode());
    }
    HttpResponse<String> refused = get(noKey, url);
    assertEquals(429, refused.statusCode(), refused.body());
    long retryAfter = Long.parseLong(header(refused, "Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    assertTrue(refused.body().contains("Too many attempts"), refused.body());
    assertEquals("'none'", csp(refused).get("frame-ancestors"));
  }

  @Test
  void embeddedPaymentWithoutThePublishableKeyIsUnavailableSayingWhatToSet() throws Exception {
    // The client exists only on the first broker: register it here too.
    String noKeyToken = token(noKeyBroker);
    HttpResponse<String> answer = createPayment(noKeyBroker, noKeyToken, "embedded");
    assertEquals(503, answer.statusCode(), answer.body());
    Map<String, Object> error = JSONObjectUtils.parse(answer.body());
    assertEquals("temporarily_unavailable", error.get("error"));
    assertTrue(
        ((String) error.get("error_description")).contains("BROKER_STRIPE_PUBLISHABLE_KEY"),
        answer.body());
    assertEquals(201, createPayment(noKeyBroker, noKeyToken, "redirect").statusCode());
  }

  @Test
  void cspReportsAreCheckedCountedAndListedForTheOperator() throws Exception {
    String report =
        """
        {"csp-report": {"document-uri": "%s/pay/pay_x?q=1", "effective-directive":
         "script-src-elem", "blocked-uri": "https://skimmer.example.net/s.js?card=1",
         "disposition": "enforce"}}
        """
            .formatted(base);
    for (int i = 0; i < 3; i++) {
      assertEquals(204, postReport("application/csp-report", report).statusCode());
    }
    HttpResponse<String> malformed = postReport("application/csp-report", "{\"csp-report\": 1}");
    assertEquals(400, malformed.statusCode());
    assertEquals("invalid_request", JSONObjectUtils.parse(malformed.body()).get("error"));
    assertEquals(415, postReport("text/plain", report).statusCode());
    assertEquals(
        413,
        postReport("application/reports+json", "[" + " ".repeat(17 * 1024) + "]").statusCode());
    assertEquals(
        405,
        http()
            .send(
                HttpRequest.newBuilder(URI.create(base + "/csp-report")).GET().build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());

    String listed = broker.adminOk("csp", "list");
    String line =
        listed
            .lines()
            .filter(l -> l.contains("https://skimmer.example.net"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(listed));
    assertTrue(line.matches(".*\\s3\\s+/pay/\\{id\\}\\s+script-src-elem\\s.*"), line);
    assertFalse(listed.contains("card=1"), "no query string is kept");
  }

  @Test
  void cspReportsBeyondTheLimitOfOneAddressAreRefusedWithRetryAfter() throws Exception {
    // Counted before anything else is checked, so refused reports count too and store nothing.
    HttpClient noKey = noKeyBroker.http();
    HttpRequest report =
        HttpRequest.newBuilder(URI.create(noKeyBroker.base() + "/csp-report"))
            .header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofString("x"))
            .build();
    // The bucket refills one report a second, so on a slow machine a few more than the limit may
    // pass before the first refusal; never fewer than the limit.
    int taken = 0;
    HttpResponse<String> refused = null;
    for (int i = 0; i < 3 * RateLimits.CSP_REPORTS_PER_MINUTE && refused == null; i++) {
      HttpResponse<String> answer = noKey.send(report, HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() == 429) {
        refused = answer;
      } else {
        assertEquals(415, answer.statusCode(), answer.body());
        taken++;
      }
    }
    assertTrue(refused != null, "no 429 after " + taken + " reports");
    assertTrue(taken >= RateLimits.CSP_REPORTS_PER_MINUTE, "refused after only " + taken);
    assertEquals("rate_limited", JSONObjectUtils.parse(refused.body()).get("error"));
    long retryAfter = Long.parseLong(header(refused, "Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
  }

  private static HttpResponse<String> postReport(String type, String body) throws Exception {
    return http()
        .send(
            HttpRequest.newBuilder(URI.create(base + "/csp-report"))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void registeredOriginFramesThePageAndAnotherOriginIsRefused() throws Exception {
    framedUrl = embeddedPayment();
    ChromeDriver browser =
        Browser.start(
            Https.servedChain(broker.data()).get(0),
            BrokerHome.freshDirectory("chromium-embedded-pay"),
            "--host-resolver-rules=MAP *.stripe.com ~NOTFOUND");
    try {
      browser.get(allowedOrigin + "/donate");
      browser.switchTo().frame(browser.findElement(By.id("payment")));
      List<WebElement> page = browser.findElements(By.id("pay-page"));
      assertEquals(1, page.size(), "the broker's page is in the frame: " + browser.getPageSource());
      // Stripe.js cannot load here, so pay.js (nonce + SRI) shows the fallback message.
      new WebDriverWait(browser, Duration.ofSeconds(60))
          .until(
              d ->
                  "unavailable"
                      .equals(d.findElement(By.id("pay-page")).getDomAttribute("data-state")));
      assertTrue(browser.findElement(By.id("pay-unavailable")).isDisplayed());
      browser.switchTo().defaultContent();

      browser.get(otherOrigin + "/donate");
      browser.switchTo().frame(browser.findElement(By.id("payment")));
      assertEquals(
          List.of(),
          browser.findElements(By.id("pay-page")),
          "frame-ancestors refuses another origin");
      browser.switchTo().defaultContent();
    } finally {
      browser.quit();
    }
  }
}
