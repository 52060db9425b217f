package org.cmsbroker.web.pay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PaymentPagePolicyTest {

  /** The policy as directive name to its sources, to check each one exactly. */
  private static Map<String, String> directives(String policy) {
    Map<String, String> out = new TreeMap<>();
    for (String part : policy.split(";")) {
      String[] words = part.strip().split(" ", 2);
      assertFalse(out.containsKey(words[0]), "directive given twice: " + words[0]);
      out.put(words[0], words.length > 1 ? words[1] : "");
    }
    return out;
  }

  @Test
  void checkoutPolicyAllowsTheNonceStripeAndTheRegisteredOriginsOnly() {
    Map<String, String> d =
        directives(
            PaymentPagePolicy.checkout(
                "bm9uY2U=",
                new LinkedHashSet<>(List.of("https://cms.example.org", "http://127.0.0.1:8080"))));

    assertEquals("'none'", d.get("default-src"));
    assertEquals(
        "'nonce-bm9uY2U=' https://js.stripe.com https://*.js.stripe.com", d.get("script-src"));
    assertEquals("'self'", d.get("style-src"));
    assertEquals("'self' https://*.stripe.com", d.get("img-src"));
    assertEquals("https://api.stripe.com https://checkout.stripe.com", d.get("connect-src"));
    assertEquals(
        "https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com"
            + " https://checkout.stripe.com",
        d.get("frame-src"));
    assertEquals("https://cms.example.org http://127.0.0.1:8080", d.get("frame-ancestors"));
    assertEquals("'none'", d.get("form-action"));
    assertEquals("'none'", d.get("base-uri"));
    assertEquals("/csp-report", d.get("report-uri"));
    assertEquals("csp-endpoint", d.get("report-to"));
    assertEquals(11, d.size(), d.toString());
    assertFalse(d.get("script-src").contains("unsafe"), "no unsafe-inline or unsafe-eval");
  }

  @Test
  void noRegisteredOriginMeansNoFraming() {
    assertEquals(
        "'none'", directives(PaymentPagePolicy.checkout("n", Set.of())).get("frame-ancestors"));
    assertEquals("'none'", directives(PaymentPagePolicy.notice(null)).get("frame-ancestors"));
  }

  @Test
  void oddOriginsCannotInjectSourcesOrDirectives() {
    List<String> odd =
        Arrays.asList(
            "https://cms.example.org; script-src *",
            "https://cms.example.org 'unsafe-inline'",
            "https://*.example.org",
            "*",
            "'self'",
            "https://CMS.example.org",
            "https://cms.example.org/path",
            "https://cms.example.org,https://evil.example",
            "data:",
            "javascript://x",
            "https://cms.example.org:99999999",
            "https://-bad.example.org",
            "https://cms.example.org\n",
            "",
            null,
            "https://ok.example.org",
            "https://ok.example.org");

    assertEquals(List.of("https://ok.example.org"), PaymentPagePolicy.validOrigins(odd));
    Map<String, String> d = directives(PaymentPagePolicy.checkout("n", odd));
    assertEquals("https://ok.example.org", d.get("frame-ancestors"));
    assertEquals(11, d.size());
  }

  @Test
  void ipLiteralOriginsAreAccepted() {
    assertEquals(
        List.of("http://[::1]:8080", "https://192.0.2.10"),
        PaymentPagePolicy.validOrigins(List.of("http://[::1]:8080", "https://192.0.2.10")));
  }

  @Test
  void noticePolicyHasNoScriptAtAll() {
    Map<String, String> d = directives(PaymentPagePolicy.notice(Set.of("https://cms.example.org")));
    assertEquals("'none'", d.get("default-src"));
    assertFalse(d.containsKey("script-src"));
    assertEquals("https://cms.example.org", d.get("frame-ancestors"));
    assertEquals("/csp-report", d.get("report-uri"));
  }

  @Test
  void reportingEndpointIsTheBrokersAbsoluteReportUrl() {
    assertEquals(
        "csp-endpoint=\"https://broker.example.org/csp-report\"",
        PaymentPagePolicy.reportingEndpoints("https://broker.example.org/"));
    assertEquals(
        "csp-endpoint=\"https://localhost:8443/csp-report\"",
        PaymentPagePolicy.reportingEndpoints("https://localhost:8443"));
  }

  @Test
  void paymentRequestIsDelegatedOnlyToStripe() {
    assertTrue(
        PaymentPagePolicy.PERMISSIONS.contains(
            "payment=(self \"https://js.stripe.com\" \"https://checkout.stripe.com\")"));
    assertTrue(PaymentPagePolicy.PERMISSIONS.contains("camera=()"));
  }
}
