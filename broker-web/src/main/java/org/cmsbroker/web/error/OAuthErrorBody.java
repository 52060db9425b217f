package org.cmsbroker.web.error;

import com.nimbusds.jose.util.JSONObjectUtils;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one writer of OAuth-style error bodies, {@code {"error","error_description"}} (RFC 6749 5.2),
 * JSON-escaped, never cached.
 */
public final class OAuthErrorBody {
  private OAuthErrorBody() {}

  /**
   * The members of an error body, in order; an API may add members of its own after them (the
   * payments API adds {@code reason}). {@code description} may be null.
   */
  public static Map<String, Object> fields(String error, String description) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    if (description != null) {
      body.put("error_description", description);
    }
    return body;
  }

  /** The JSON text of an error; {@code description} may be null. */
  public static String json(String error, String description) {
    return JSONObjectUtils.toJSONString(fields(error, description));
  }

  /** Writes the error with {@code status}. */
  public static void write(
      HttpServletResponse response, int status, String error, String description)
      throws IOException {
    byte[] bytes = json(error, description).getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("application/json;charset=UTF-8");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}
