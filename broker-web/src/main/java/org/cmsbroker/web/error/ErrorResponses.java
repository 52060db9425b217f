package org.cmsbroker.web.error;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The broker's own minimal error answers: OAuth-style JSON ({@code {"error", "error_description"}})
 * for API paths and clients asking for JSON, a small HTML page otherwise. No product name, version
 * or stack trace, ever.
 */
public final class ErrorResponses {
  private static final List<String> API_PREFIXES =
      List.of("/api/", "/oauth2/", "/webhooks/", "/health", "/.well-known/", "/csp-report");

  private ErrorResponses() {}

  /** A fixed OAuth-style error code and description for an HTTP status. */
  public record Description(String error, String description, String title) {}

  public static Description describe(int status) {
    return switch (status) {
      case 400 -> new Description("invalid_request", "The request is malformed.", "Bad request");
      case 401 -> new Description("unauthorized", "Authentication is required.", "Not signed in");
      case 403 -> new Description("access_denied", "This is not allowed.", "Forbidden");
      case 404 ->
          new Description("not_found", "The requested resource does not exist.", "Not found");
      case 405 ->
          new Description(
              "method_not_allowed",
              "This method is not allowed on this resource.",
              "Method not allowed");
      case 406 ->
          new Description(
              "not_acceptable", "No acceptable representation is available.", "Not acceptable");
      case 408 ->
          new Description("request_timeout", "The request took too long.", "Request timeout");
      case 409 ->
          new Description("conflict", "The request conflicts with the current state.", "Conflict");
      case 411 ->
          new Description(
              "length_required", "A Content-Length header is required.", "Length required");
      case 413 ->
          new Description(
              "request_too_large", "The request body is larger than allowed.", "Request too large");
      case 414 -> new Description("uri_too_long", "The request URI is too long.", "URI too long");
      case 415 ->
          new Description(
              "unsupported_media_type",
              "The request body's media type is not supported.",
              "Unsupported media type");
      case 429 ->
          new Description(
              "too_many_requests", "Too many requests; try again later.", "Too many requests");
      case 503 ->
          new Description(
              "temporarily_unavailable", "The service is temporarily unavailable.", "Unavailable");
      default ->
          status >= 500
              ? new Description("server_error", "An internal error occurred.", "Server error")
              : new Description("invalid_request", "The request was refused.", "Request refused");
    };
  }

  /** Whether the answer for this path should be JSON rather than a page. */
  public static boolean wantsJson(String path, String accept) {
    if (path != null) {
      for (String prefix : API_PREFIXES) {
        if (path.startsWith(prefix)) {
          return true;
        }
      }
    }
    String a = accept == null ? "" : accept.toLowerCase(Locale.ROOT);
    return a.contains("application/json") && !a.contains("text/html");
  }

  /** Writes the error answer for {@code status} for the request's own path. */
  public static void write(HttpServletRequest request, HttpServletResponse response, int status)
      throws IOException {
    write(response, status, wantsJson(request.getRequestURI(), request.getHeader("Accept")), null);
  }

  /**
   * Writes an error answer. {@code correlationId}, when given, is shown so an operator can find the
   * logged cause.
   */
  public static void write(
      HttpServletResponse response, int status, boolean json, String correlationId)
      throws IOException {
    Description d = describe(status);
    response.setStatus(status);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setHeader("Cache-Control", "no-store");
    String body;
    if (json) {
      response.setContentType("application/json;charset=UTF-8");
      body =
          OAuthErrorBody.json(
              d.error(),
              d.description()
                  + (correlationId == null ? "" : " Reference: " + correlationId + "."));
    } else {
      response.setContentType("text/html;charset=UTF-8");
      body =
          "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
              + d.title()
              + "</title></head><body><h1>"
              + d.title()
              + "</h1><p>"
              + d.description()
              + (correlationId == null ? "" : " Reference: " + correlationId + ".")
              + "</p></body></html>";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setContentLength(bytes.length);
    PrintWriter writer = response.getWriter();
    writer.write(body);
    writer.flush();
  }
}
