package org.cmsbroker.web.http;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.cmsbroker.config.BrokerConfig;

/**
 * First filter on every request. A request that did not arrive over TLS gets a 301 to the same path
 * on the configured public HTTPS URL (never derived from the request's Host header) and no body.
 * Every other answer, error pages included, gets the security headers.
 */
public class TransportSecurityFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  @Inject transient BrokerConfig config;

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    SecurityHeaders.apply(response, framable(request));
    if (!request.isSecure()) {
      response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
      response.setHeader("Location", httpsLocation(config.publicUrl().toString(), request));
      response.setHeader("Cache-Control", "no-store");
      response.setContentLength(0);
      return;
    }
    chain.doFilter(request, response);
  }

  /** Whether the request is for the embedded payment page, which its client's site may frame. */
  static boolean framable(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath() == null ? "" : request.getContextPath();
    return uri != null
        && uri.startsWith(context)
        && uri.startsWith(PAYMENT_PAGES, context.length());
  }

  /** The path prefix of the embedded payment pages. */
  public static final String PAYMENT_PAGES = "/pay/";

  /** The public URL plus the request's own path and query, as sent (already encoded). */
  static String httpsLocation(String publicUrl, HttpServletRequest request) {
    String path = request.getRequestURI();
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      path = "/";
    }
    String query = request.getQueryString();
    return publicUrl + path + (query == null ? "" : "?" + query);
  }
}
