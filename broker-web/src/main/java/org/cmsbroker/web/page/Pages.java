package org.cmsbroker.web.page;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Writes the broker's pages: the shared layout, a fresh CSP nonce per answer, and Subresource
 * Integrity hashes of the broker's own scripts. Pages load no third-party script.
 */
public final class Pages {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Map<String, String> INTEGRITY = new ConcurrentHashMap<>();

  private Pages() {}

  /** A random nonce for one answer's CSP. */
  public static String nonce() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** The CSP of a page whose only script is the broker's own, loaded with {@code nonce}. */
  public static String csp(String nonce) {
    return "default-src 'none'; script-src 'nonce-"
        + nonce
        + "'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self';"
        + " frame-ancestors 'none'; base-uri 'none'";
  }

  /** The SRI value ({@code sha384-...}) of a static file of the WAR, computed once. */
  public static String integrity(ServletContext context, String path) {
    return INTEGRITY.computeIfAbsent(
        path,
        p -> {
          try (InputStream in = context.getResourceAsStream(p)) {
            if (in == null) {
              throw new IllegalStateException("missing " + p);
            }
            return "sha384-"
                + Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-384").digest(in.readAllBytes()));
          } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash " + p, e);
          }
        });
  }

  /**
   * Renders {@code template} into the layout and writes it with {@code status}.
   *
   * @param values the template's slots; {@code nonce} and {@code scriptIntegrity} are added
   */
  public static void write(
      ServletContext context,
      HttpServletResponse response,
      int status,
      String title,
      String template,
      Map<String, String> values)
      throws IOException {
    write(context, response, status, title, template, values, Pages::csp, "/assets/login.js");
  }

  /**
   * Renders {@code template} into the layout and writes it with {@code status}, under the CSP that
   * {@code policy} makes of the answer's fresh nonce.
   *
   * @param values the template's slots; {@code nonce} and {@code scriptIntegrity} (the SRI value of
   *     {@code script}) are added
   * @param script the WAR path of the page's own script, for example {@code /assets/pay.js}
   */
  public static void write(
      ServletContext context,
      HttpServletResponse response,
      int status,
      String title,
      String template,
      Map<String, String> values,
      UnaryOperator<String> policy,
      String script)
      throws IOException {
    String nonce = nonce();
    Map<String, String> all = new HashMap<>(values);
    all.put("nonce", nonce);
    all.put("scriptIntegrity", integrity(context, script));
    String body = PageTemplate.render(template, all);
    String refresh = values.get("location");
    String head =
        "continue".equals(template) && refresh != null
            ? "<meta http-equiv=\"refresh\" content=\"0;url=" + Html.escape(refresh) + "\">"
            : "";
    String html =
        PageTemplate.render(
            "layout", Map.of("title", title, "body", body, "nonce", nonce, "head", head));
    response.setStatus(status);
    response.setHeader("Content-Security-Policy", policy.apply(nonce));
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("text/html;charset=UTF-8");
    byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  /** An error or notice fragment for a page: empty when there is no message. */
  public static String alert(String message) {
    return message == null
        ? ""
        : "<div class=\"alert\" role=\"alert\" id=\"form-error\">"
            + Html.escape(message)
            + "</div>";
  }

  /** A notice fragment (not an error). */
  public static String notice(String message) {
    return message == null
        ? ""
        : "<div class=\"notice\" role=\"status\">" + Html.escape(message) + "</div>";
  }
}
