package org.cmsbroker.web.pay;

import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.csp.CspReportParser;
import org.cmsbroker.csp.CspReportRejectedException;
import org.cmsbroker.csp.CspReports;
import org.cmsbroker.csp.CspViolation;
import org.cmsbroker.ratelimit.RateLimiter;
import org.cmsbroker.ratelimit.RateLimits;
import org.cmsbroker.web.error.OAuthErrorBody;
import org.cmsbroker.web.http.ClientAddress;

/**
 * {@code POST /csp-report}: where browsers send the CSP violations of the broker's pages, as {@code
 * application/csp-report} ({@code report-uri}) or {@code application/reports+json} (Reporting API).
 * Bodies over {@value CspReportParser#MAX_BODY_BYTES} bytes get 413, other media types 415, bodies
 * that are not reports of the expected shape 400 (JSON errors, fixed descriptions); accepted
 * reports are counted ({@link CspReports}) and answered with 204. One address may send {@value
 * RateLimits#CSP_REPORTS_PER_MINUTE} reports a minute; more get 429 with {@code Retry-After}.
 */
@WebServlet(PaymentPagePolicy.REPORT_PATH)
public class CspReportServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  static final String CSP_REPORT = "application/csp-report";
  static final String REPORTS_JSON = "application/reports+json";

  @Inject transient CspReports reports;
  @Inject transient RateLimits limits;
  @Inject transient BrokerConfig config;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    if (!"POST".equals(request.getMethod())) {
      response.setHeader("Allow", "POST");
      error(response, 405, "method_not_allowed", "Reports are sent with POST.");
      return;
    }
    super.service(request, response);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    RateLimiter.Decision decision =
        limits
            .cspReportsPerAddress()
            .tryAcquire(ClientAddress.of(request, config.trustedProxies()));
    if (!decision.allowed()) {
      response.setHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
      error(
          response,
          429,
          "rate_limited",
          "At most "
              + RateLimits.CSP_REPORTS_PER_MINUTE
              + " reports a minute are taken from one"
              + " address.");
      return;
    }
    String type = mediaType(request.getContentType());
    if (!CSP_REPORT.equals(type) && !REPORTS_JSON.equals(type)) {
      error(
          response,
          415,
          "unsupported_media_type",
          "Send application/csp-report or application/reports+json.");
      return;
    }
    byte[] body = read(request);
    if (body == null) {
      error(
          response,
          413,
          "request_too_large",
          "A report may be at most " + CspReportParser.MAX_BODY_BYTES + " bytes.");
      return;
    }
    String userAgent = request.getHeader("User-Agent");
    List<CspViolation> violations;
    try {
      violations =
          CSP_REPORT.equals(type)
              ? List.of(reports.parser().parseReportUri(body, userAgent))
              : reports.parser().parseReportsJson(body, userAgent);
    } catch (CspReportRejectedException e) {
      error(response, 400, "invalid_request", e.getMessage());
      return;
    }
    reports.receive(violations);
    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
  }

  /** The media type without parameters, in lower case; empty when absent. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  /** The body, or null when it is longer than the limit (read no further than one byte past). */
  static byte[] read(HttpServletRequest request) throws IOException {
    if (request.getContentLengthLong() > CspReportParser.MAX_BODY_BYTES) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try (InputStream in = request.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        if (out.size() > CspReportParser.MAX_BODY_BYTES) {
          return null;
        }
      }
    }
    return out.toByteArray();
  }

  private static void error(
      HttpServletResponse response, int status, String code, String description)
      throws IOException {
    OAuthErrorBody.write(response, status, code, description);
  }
}
