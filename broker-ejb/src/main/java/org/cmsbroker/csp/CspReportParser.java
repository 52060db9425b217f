package org.cmsbroker.csp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.cmsbroker.json.StrictJson;

/**
 * Reads CSP violation reports in both formats browsers send, and reduces each violation to a {@link
 * CspViolation}. Anyone can post a report, so nothing from the body is kept as sent: the page
 * becomes a path of the broker (ids replaced), the blocked resource an origin or a CSP keyword, and
 * every value is bounded and free of control characters. Thread-safe.
 *
 * <ul>
 *   <li>{@code application/csp-report} ({@code report-uri}): {@code {"csp-report": {"document-uri",
 *       "effective-directive" or "violated-directive", "blocked-uri", "disposition"}}}
 *   <li>{@code application/reports+json} (Reporting API, {@code report-to}): an array of reports;
 *       those of type {@code csp-violation} carry {@code body.documentURL}, {@code
 *       body.effectiveDirective}, {@code body.blockedURL}, {@code body.disposition}; other types
 *       are skipped
 * </ul>
 */
public final class CspReportParser {
  /** The largest report body accepted, in bytes. */
  public static final int MAX_BODY_BYTES = 16 * 1024;

  /** The most reports one Reporting API body may carry. */
  static final int MAX_REPORTS = 50;

  static final int MAX_PATH = 200;
  static final int MAX_ORIGIN = 255;
  static final int MAX_USER_AGENT = 200;

  static final String OTHER_ORIGIN = "(other origin)";
  static final String UNUSUAL_PATH = "(unusual path)";
  static final String NONE = "(none)";
  static final String UNPARSABLE = "(unparsable)";

  private static final Pattern DIRECTIVE = Pattern.compile("[a-z][a-z-]{0,63}");
  private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9/._~-]{0,199}");
  private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]{0,30}");

  /** Values of blocked-uri that name no URL (CSP keywords and scheme-only reports). */
  private static final Set<String> KEYWORDS =
      Set.of(
          "inline",
          "eval",
          "wasm-eval",
          "self",
          "data",
          "blob",
          "filesystem",
          "mediastream",
          "trusted-types-policy",
          "trusted-types-sink");

  private final URI publicUrl;

  /**
   * @param publicUrl the broker's public URL: reports about pages of another origin are kept under
   *     {@value #OTHER_ORIGIN}, without their path
   */
  public CspReportParser(URI publicUrl) {
    this.publicUrl = Objects.requireNonNull(publicUrl, "publicUrl");
  }

  /**
   * A {@code report-uri} body: one violation.
   *
   * @param userAgent the request's {@code User-Agent}, or null
   * @throws CspReportRejectedException if the body is not such a report
   */
  public CspViolation parseReportUri(byte[] body, String userAgent)
      throws CspReportRejectedException {
    JsonElement root = strictJson(body);
    if (!root.isJsonObject()) {
      throw new CspReportRejectedException("A csp-report body is a JSON object.");
    }
    JsonElement report = root.getAsJsonObject().get("csp-report");
    if (report == null || !report.isJsonObject()) {
      throw new CspReportRejectedException("A csp-report body has a \"csp-report\" object.");
    }
    JsonObject r = report.getAsJsonObject();
    String directive = string(r, "effective-directive");
    if (directive == null) {
      // CSP level 2 browsers send only violated-directive: "script-src 'self' ..."
      String violated = string(r, "violated-directive");
      directive = violated == null ? null : violated.strip().split("\\s+", 2)[0];
    }
    return violation(
        string(r, "document-uri"),
        directive,
        string(r, "blocked-uri"),
        string(r, "disposition"),
        userAgent);
  }

  /**
   * A Reporting API body: the CSP violations among its reports (possibly none).
   *
   * @param userAgent the request's {@code User-Agent}, used when a report has no {@code
   *     user_agent}; may be null
   * @throws CspReportRejectedException if the body is not an array of reports, has more than
   *     {@value #MAX_REPORTS}, or a {@code csp-violation} report lacks its fields
   */
  public List<CspViolation> parseReportsJson(byte[] body, String userAgent)
      throws CspReportRejectedException {
    JsonElement root = strictJson(body);
    if (!root.isJsonArray()) {
      throw new CspReportRejectedException("A reports+json body is a JSON array of reports.");
    }
    JsonArray reports = root.getAsJsonArray();
    if (reports.size() > MAX_REPORTS) {
      throw new CspReportRejectedException(
          "A reports+json body may carry at most " + MAX_REPORTS + " reports.");
    }
    List<CspViolation> violations = new ArrayList<>();
    for (JsonElement element : reports) {
      if (!element.isJsonObject()) {
        throw new CspReportRejectedException("Each report is a JSON object.");
      }
      JsonObject report = element.getAsJsonObject();
      String type = string(report, "type");
      if (type == null) {
        throw new CspReportRejectedException("Each report has a string \"type\".");
      }
      if (!type.equals("csp-violation")) {
        continue;
      }
      JsonElement b = report.get("body");
      if (b == null || !b.isJsonObject()) {
        throw new CspReportRejectedException("A csp-violation report has a \"body\" object.");
      }
      JsonObject v = b.getAsJsonObject();
      String agent = string(report, "user_agent");
      violations.add(
          violation(
              string(v, "documentURL"),
              string(v, "effectiveDirective"),
              string(v, "blockedURL"),
              string(v, "disposition"),
              agent != null ? agent : userAgent));
    }
    return violations;
  }

  private CspViolation violation(
      String document, String directive, String blocked, String disposition, String userAgent)
      throws CspReportRejectedException {
    if (document == null) {
      throw new CspReportRejectedException("The report names no document URL.");
    }
    if (directive == null || !DIRECTIVE.matcher(directive.toLowerCase(Locale.ROOT)).matches()) {
      throw new CspReportRejectedException("The report names no valid directive.");
    }
    return new CspViolation(
        pagePath(document),
        directive.toLowerCase(Locale.ROOT),
        blockedOrigin(blocked),
        "report".equals(disposition) ? "report" : "enforce",
        userAgent(userAgent));
  }

  /** The broker page's path, ids of payment pages replaced, or a marker. */
  String pagePath(String document) {
    URI uri;
    try {
      uri = new URI(document);
    } catch (URISyntaxException e) {
      return UNPARSABLE;
    }
    if (!sameOrigin(uri)) {
      return OTHER_ORIGIN;
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (path.startsWith("/pay/")) {
      return "/pay/{id}";
    }
    return PATH.matcher(path).matches() ? path : UNUSUAL_PATH;
  }

  private boolean sameOrigin(URI uri) {
    return uri.getScheme() != null
        && uri.getHost() != null
        && uri.getScheme().equalsIgnoreCase(publicUrl.getScheme())
        && uri.getHost().equalsIgnoreCase(publicUrl.getHost())
        && port(uri) == port(publicUrl);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
  }

  /** {@code scheme://host[:port]} of a URL, a CSP keyword, {@code scheme:}, or a marker. */
  static String blockedOrigin(String blocked) {
    if (blocked == null || blocked.isBlank()) {
      return NONE;
    }
    String value = blocked.strip().toLowerCase(Locale.ROOT);
    if (KEYWORDS.contains(value)) {
      return value;
    }
    URI uri;
    try {
      uri = new URI(blocked.strip());
    } catch (URISyntaxException e) {
      return UNPARSABLE;
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme == null || !SCHEME.matcher(scheme).matches()) {
      return UNPARSABLE;
    }
    String host = uri.getHost();
    if (host == null || !Set.of("http", "https", "ws", "wss").contains(scheme)) {
      // data:, blob:, chrome-extension://id ...: the scheme says enough, the rest may be content.
      return scheme + ":";
    }
    String origin =
        scheme
            + "://"
            + host.toLowerCase(Locale.ROOT)
            + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    return origin.length() <= MAX_ORIGIN ? origin : UNPARSABLE;
  }

  /** Printable characters only, at most {@value #MAX_USER_AGENT}; null when empty. */
  static String userAgent(String value) {
    if (value == null) {
      return null;
    }
    String clean = value.replaceAll("[\\p{Cntrl}\\p{Cf}\\p{Zl}\\p{Zp}]", "").strip();
    if (clean.isEmpty()) {
      return null;
    }
    return clean.length() <= MAX_USER_AGENT ? clean : clean.substring(0, MAX_USER_AGENT);
  }

  /** Strict UTF-8, strict JSON, one value and nothing after it. */
  private static JsonElement strictJson(byte[] body) throws CspReportRejectedException {
    if (body.length > MAX_BODY_BYTES) {
      throw new CspReportRejectedException("A report may be at most " + MAX_BODY_BYTES + " bytes.");
    }
    try {
      return StrictJson.parse(body);
    } catch (StrictJson.InvalidJsonException e) {
      throw new CspReportRejectedException(
          e.problem() == StrictJson.Problem.NOT_UTF8
              ? "The report is not UTF-8."
              : "The report is not valid JSON.");
    }
  }

  private static String string(JsonObject o, String name) {
    JsonElement v = o.get(name);
    return v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()
        ? v.getAsString()
        : null;
  }
}
