package org.cmsbroker.web.pay;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.json.Jsonp;
import org.cmsbroker.payment.PaymentMode;
import org.cmsbroker.payment.PaymentPage;
import org.cmsbroker.payment.PaymentService;
import org.cmsbroker.payment.PaymentStatus;
import org.cmsbroker.ratelimit.RateLimiter;
import org.cmsbroker.ratelimit.RateLimits;
import org.cmsbroker.web.error.ErrorResponses;
import org.cmsbroker.web.http.ClientAddress;
import org.cmsbroker.web.http.TransportSecurityFilter;
import org.cmsbroker.web.page.Html;
import org.cmsbroker.web.page.Pages;

/**
 * {@code GET /pay/{id}}: the page a client's site frames for an embedded payment. It loads
 * Stripe.js from Stripe and the broker's own {@code pay.js} (nonce and SRI), which mounts Stripe's
 * embedded Checkout with the session's client secret; card data is typed into Stripe's frame only.
 * Only that client's registered web origins may frame it ({@code frame-ancestors}); violations are
 * reported to {@code /csp-report}. A payment that is paid, expired, not embedded or of a client
 * without web origins gets a notice instead, naming nothing of any other payment or client. No
 * cookies; GET and HEAD only.
 */
@WebServlet(TransportSecurityFilter.PAYMENT_PAGES + "*")
public class PaymentPageServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private static final Pattern PAYMENT_ID = Pattern.compile("pay_[A-Za-z0-9_-]{1,36}");
  private static final String SCRIPT = "/assets/pay.js";

  @Inject transient PaymentService payments;
  @Inject transient ClientService clients;
  @Inject transient BrokerConfig config;
  @Inject transient RateLimits limits;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException, jakarta.servlet.ServletException {
    String method = request.getMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      response.setHeader("Allow", "GET, HEAD");
      ErrorResponses.write(request, response, HttpServletResponse.SC_METHOD_NOT_ALLOWED);
      return;
    }
    super.service(request, response);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (refusedByRateLimit(
        limits.payPagePerAddress(),
        ClientAddress.of(request, config.trustedProxies()),
        Set.of(),
        response)) {
      return;
    }
    String path = request.getPathInfo();
    String id = path == null ? "" : path.substring(1);
    Optional<PaymentPage> found =
        PAYMENT_ID.matcher(id).matches() ? payments.paymentPage(id) : Optional.empty();
    if (found.isEmpty()) {
      notice(
          response,
          404,
          Set.of(),
          "missing",
          "Payment not found",
          "There is no such payment. Return to the site and start again.");
      return;
    }
    PaymentPage page = found.get();
    Set<String> origins =
        clients
            .find(page.clientId())
            .filter(RegisteredClient::enabled)
            .map(RegisteredClient::webOrigins)
            .orElse(Set.of());
    if (refusedByRateLimit(limits.payPagePerClient(), page.clientId(), origins, response)) {
      return;
    }
    if (page.mode() != PaymentMode.EMBEDDED) {
      notice(
          response,
          409,
          origins,
          "not-embedded",
          "Payment not on this page",
          "This payment is made on Stripe's own page, not here. Return to the site and start"
              + " again.");
      return;
    }
    if (!page.open(Instant.now())) {
      boolean paid =
          page.status() == PaymentStatus.SUCCEEDED
              || page.status() == PaymentStatus.PARTIALLY_REFUNDED
              || page.status() == PaymentStatus.REFUNDED;
      if (paid) {
        notice(
            response,
            200,
            origins,
            "paid",
            "Payment made",
            "This payment has been made. Thank you.");
      } else {
        notice(
            response,
            410,
            origins,
            "expired",
            "Payment expired",
            "This payment has expired. Return to the site to start a new one.");
      }
      return;
    }
    if (PaymentPagePolicy.validOrigins(origins).isEmpty()) {
      notice(
          response,
          403,
          Set.of(),
          "not-embeddable",
          "Embedding not configured",
          "This payment page may not be shown inside the site: embedding is not configured for"
              + " it. Ask the site's administrator to register the site's web origin with the"
              + " broker.");
      return;
    }
    Optional<String> publishableKey = config.stripePublishableKey();
    if (publishableKey.isEmpty() || page.clientSecret() == null) {
      // No key (the broker was reconfigured) or no session (Stripe failed when it was created).
      notice(
          response,
          503,
          origins,
          "unavailable",
          "Payment not available",
          "This payment cannot be made here right now. Return to the site and try again later.");
      return;
    }
    String configJson =
        Jsonp.PROVIDER
            .createObjectBuilder()
            .add("publishableKey", publishableKey.get())
            .add("clientSecret", page.clientSecret())
            .build()
            .toString();
    Map<String, String> values = new HashMap<>();
    values.put("config", Html.scriptJson(configJson));
    values.put("stripeJs", PaymentPagePolicy.STRIPE_JS);
    headers(response);
    Pages.write(
        getServletContext(),
        response,
        200,
        "Payment",
        "pay",
        values,
        nonce -> PaymentPagePolicy.checkout(nonce, origins),
        SCRIPT);
  }

  /**
   * Card-testing defence: a request over {@code limiter}'s limit for {@code key} gets a 429 notice
   * with {@code Retry-After}, framable by {@code frameAncestors} so the site shows it in place.
   *
   * @return true when the request was refused (the answer is written)
   */
  private boolean refusedByRateLimit(
      RateLimiter limiter, String key, Set<String> frameAncestors, HttpServletResponse response)
      throws IOException {
    RateLimiter.Decision decision = limiter.tryAcquire(key);
    if (decision.allowed()) {
      return false;
    }
    response.setHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
    notice(
        response,
        429,
        frameAncestors,
        "rate-limited",
        "Too many attempts",
        "This payment page was asked for too often. Wait a minute, then reload the page.");
    return true;
  }

  private void notice(
      HttpServletResponse response,
      int status,
      Set<String> frameAncestors,
      String state,
      String heading,
      String text)
      throws IOException {
    headers(response);
    Map<String, String> values = new HashMap<>();
    values.put("state", state);
    values.put("heading", heading);
    values.put("text", text);
    Pages.write(
        getServletContext(),
        response,
        status,
        heading,
        "pay-notice",
        values,
        nonce -> PaymentPagePolicy.notice(frameAncestors),
        SCRIPT);
  }

  private void headers(HttpServletResponse response) {
    response.setHeader(
        "Reporting-Endpoints", PaymentPagePolicy.reportingEndpoints(config.publicUrl().toString()));
    response.setHeader("Permissions-Policy", PaymentPagePolicy.PERMISSIONS);
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cache-Control", "no-store");
  }
}
