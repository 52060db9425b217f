package org.cmsbroker.web.http;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The broker's cookies: always {@code __Host-} prefixed, {@code Secure; HttpOnly; Path=/}, with an
 * explicit {@code SameSite}.
 */
public final class Cookies {
  private Cookies() {}

  /** Sets a session-lifetime cookie (no Max-Age: it ends with the browser at the latest). */
  public static void set(HttpServletResponse response, String name, String value, String sameSite) {
    response.addHeader(
        "Set-Cookie", name + "=" + value + "; Path=/; Secure; HttpOnly; SameSite=" + sameSite);
  }

  /** Deletes a cookie. */
  public static void clear(HttpServletResponse response, String name) {
    response.addHeader("Set-Cookie", name + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
  }

  /** The value of a cookie, or null. */
  public static String get(HttpServletRequest request, String name) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return null;
    }
    for (Cookie cookie : cookies) {
      if (cookie.getName().equals(name)) {
        return cookie.getValue();
      }
    }
    return null;
  }
}
