package org.cmsbroker.csp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One CSP violation, reduced to what is kept: never a full URL, a query string or a script sample.
 * Immutable. Values are already normalised by {@link CspReportParser} (bounded length, no control
 * characters).
 *
 * @param pagePath the broker page's path, with ids replaced ({@code /pay/{id}}), or a marker such
 *     as {@code (other origin)}
 * @param effectiveDirective for example {@code script-src-elem} or {@code frame-ancestors}
 * @param blockedOrigin {@code scheme://host[:port]}, a CSP keyword such as {@code inline}, or a
 *     marker such as {@code (none)}
 * @param disposition {@code enforce} or {@code report}
 * @param userAgent the reporting browser's user agent, truncated, or null
 */
public record CspViolation(
    String pagePath,
    String effectiveDirective,
    String blockedOrigin,
    String disposition,
    String userAgent) {

  public CspViolation {
    Objects.requireNonNull(pagePath, "pagePath");
    Objects.requireNonNull(effectiveDirective, "effectiveDirective");
    Objects.requireNonNull(blockedOrigin, "blockedOrigin");
    Objects.requireNonNull(disposition, "disposition");
  }

  /** The aggregate this violation counts towards: SHA-256 (hex) of page, directive and origin. */
  public String aggregateKey() {
    return key(pagePath, effectiveDirective, blockedOrigin);
  }

  static String key(String pagePath, String directive, String blockedOrigin) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {pagePath, directive, blockedOrigin}) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
