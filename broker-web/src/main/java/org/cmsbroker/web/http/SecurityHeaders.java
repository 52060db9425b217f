package org.cmsbroker.web.http;

import jakarta.servlet.http.HttpServletResponse;

/** The headers every answer carries, and the default Content-Security-Policy. */
public final class SecurityHeaders {
  /** Two years, sub-domains included (Payara's own HSTS switch is fixed at one year). */
  public static final String HSTS = "max-age=63072000; includeSubDomains";

  /** For answers that are not pages: nothing may load, nothing may frame. */
  public static final String DEFAULT_CSP =
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private SecurityHeaders() {}

  /**
   * Sets the headers; a page that needs a wider policy replaces {@code Content-Security-Policy}
   * afterwards.
   */
  public static void apply(HttpServletResponse response) {
    apply(response, false);
  }

  /**
   * Sets the headers. For a page that may be framed ({@code framable}: the embedded payment page)
   * {@code X-Frame-Options} is left out, because it cannot name the allowed origins and would
   * contradict the page's own {@code frame-ancestors}; until the page sets that, the default CSP
   * still forbids framing.
   */
  public static void apply(HttpServletResponse response, boolean framable) {
    response.setHeader("Strict-Transport-Security", HSTS);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Content-Security-Policy", DEFAULT_CSP);
    if (!framable) {
      response.setHeader("X-Frame-Options", "DENY");
    }
    response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    response.setHeader(
        "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    if (!response.containsHeader("Cache-Control")) {
      response.setHeader("Cache-Control", "no-store");
    }
  }
}
