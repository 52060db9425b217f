package org.cmsbroker.web.pay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The headers of the embedded payment page: its Content-Security-Policy, the Reporting API endpoint
 * it reports to, and its Permissions-Policy. The policy allows exactly what Stripe's integration
 * security guide lists for Stripe.js and embedded Checkout, the page's own nonce, framing by the
 * client's registered web origins only, and sends violations to {@value #REPORT_PATH}. Immutable
 * helpers; thread-safe.
 *
 * <p>See {@code docs/payment-page-scripts.md} for why each source is there.
 */
public final class PaymentPagePolicy {
  /** The broker's CSP report endpoint. */
  public static final String REPORT_PATH = "/csp-report";

  /** The Reporting API endpoint name used in {@code report-to} and {@code Reporting-Endpoints}. */
  public static final String REPORT_GROUP = "csp-endpoint";

  /** Where Stripe.js is loaded from: Stripe serves it only from here and says not to self-host. */
  public static final String STRIPE_JS = "https://js.stripe.com/v3/";

  static final String STRIPE_SCRIPT_SOURCES = "https://js.stripe.com https://*.js.stripe.com";
  static final String STRIPE_FRAME_SOURCES =
      "https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com"
          + " https://checkout.stripe.com";
  static final String STRIPE_CONNECT_SOURCES = "https://api.stripe.com https://checkout.stripe.com";
  static final String STRIPE_IMAGE_SOURCES = "https://*.stripe.com";

  /**
   * A web origin as the client registry stores it (lower case {@code scheme://host[:port]}); the
   * builder accepts nothing else, so no registered value can add a source or a directive.
   */
  private static final Pattern ORIGIN =
      Pattern.compile(
          "https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
              + "|\\[[0-9a-f:.]{2,45}\\])(?::[0-9]{1,5})?");

  private PaymentPagePolicy() {}

  /**
   * The CSP of the page that mounts Stripe's embedded Checkout.
   *
   * @param nonce this answer's nonce
   * @param frameAncestors the client's registered web origins; none (or none valid) gives {@code
   *     'none'}
   */
  public static String checkout(String nonce, Collection<String> frameAncestors) {
    return "default-src 'none'; script-src 'nonce-"
        + nonce
        + "' "
        + STRIPE_SCRIPT_SOURCES
        + "; style-src 'self'; img-src 'self' "
        + STRIPE_IMAGE_SOURCES
        + "; connect-src "
        + STRIPE_CONNECT_SOURCES
        + "; frame-src "
        + STRIPE_FRAME_SOURCES
        + "; form-action 'none'; base-uri 'none'; frame-ancestors "
        + frameAncestors(frameAncestors)
        + "; "
        + reporting();
  }

  /**
   * The CSP of the page's notices (paid, expired, not embeddable): no script at all, still framable
   * by the client's origins so the notice shows inside the site.
   */
  public static String notice(Collection<String> frameAncestors) {
    return "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none';"
        + " base-uri 'none'; frame-ancestors "
        + frameAncestors(frameAncestors)
        + "; "
        + reporting();
  }

  private static String reporting() {
    return "report-uri " + REPORT_PATH + "; report-to " + REPORT_GROUP;
  }

  /** The {@code frame-ancestors} source list: the valid origins, or {@code 'none'}. */
  static String frameAncestors(Collection<String> origins) {
    List<String> valid = validOrigins(origins);
    return valid.isEmpty() ? "'none'" : String.join(" ", valid);
  }

  /** The origins that are exactly {@code scheme://host[:port]}, lower case, in order, once. */
  static List<String> validOrigins(Collection<String> origins) {
    List<String> valid = new ArrayList<>();
    if (origins == null) {
      return valid;
    }
    for (String origin : origins) {
      if (origin != null
          && origin.equals(origin.toLowerCase(Locale.ROOT))
          && ORIGIN.matcher(origin).matches()
          && !valid.contains(origin)) {
        valid.add(origin);
      }
    }
    return valid;
  }

  /** The {@code Reporting-Endpoints} header value for a broker at {@code publicUrl}. */
  public static String reportingEndpoints(String publicUrl) {
    String base =
        publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    return REPORT_GROUP + "=\"" + base + REPORT_PATH + "\"";
  }

  /**
   * The page's Permissions-Policy: no camera, microphone or location; the Payment Request API
   * (wallets in Stripe's form) for the page and Stripe's frames only.
   */
  public static final String PERMISSIONS =
      "camera=(), microphone=(), geolocation=(),"
          + " payment=(self \"https://js.stripe.com\" \"https://checkout.stripe.com\")";
}
