package org.cmsbroker.admin;

import java.util.List;

/**
 * The answer to an admin request: success, or an error code with a message safe to show the
 * operator; then lines of text. Immutable.
 *
 * @param errorCode null on success, otherwise a short code such as {@code username_taken}
 * @param lines the text to show, possibly empty
 */
public record AdminResponse(String errorCode, List<String> lines) {

  public AdminResponse {
    lines = List.copyOf(lines);
  }

  public static AdminResponse ok(List<String> lines) {
    return new AdminResponse(null, lines);
  }

  public static AdminResponse ok(String line) {
    return ok(List.of(line));
  }

  public static AdminResponse error(String code, String message) {
    return new AdminResponse(code, List.of(message));
  }

  public boolean isOk() {
    return errorCode == null;
  }
}
