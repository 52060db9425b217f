package org.cmsbroker.web.account;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.cmsbroker.account.PasswordResetService;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.web.error.ErrorResponses;
import org.cmsbroker.web.http.ClientAddress;
import org.cmsbroker.web.http.Cookies;
import org.cmsbroker.web.page.Pages;

/**
 * {@code /password/forgot}: asks for a reset link. The answer is the same whether or not an account
 * matches; the form carries a double-submit token against cross-site posts.
 */
@WebServlet("/password/forgot")
public class PasswordForgotServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  static final String FORM_COOKIE = "__Host-broker_form";
  private static final SecureRandom RANDOM = new SecureRandom();

  @Inject transient PasswordResetService resets;
  @Inject transient BrokerConfig config;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    form(response, 200, null);
  }

  private void form(HttpServletResponse response, int status, String error) throws IOException {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Cookies.set(response, FORM_COOKIE, token, "Strict");
    Pages.write(
        getServletContext(),
        response,
        status,
        "Forgot your password?",
        "password-forgot",
        Map.of("formToken", token, "alert", Pages.alert(error)));
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String cookie = Cookies.get(request, FORM_COOKIE);
    String field = request.getParameter("form_token");
    if (cookie == null
        || field == null
        || !MessageDigest.isEqual(
            cookie.getBytes(StandardCharsets.US_ASCII),
            field.getBytes(StandardCharsets.US_ASCII))) {
      ErrorResponses.write(request, response, HttpServletResponse.SC_FORBIDDEN);
      return;
    }
    String who = request.getParameter("who");
    if (who == null || who.isBlank() || who.length() > 254) {
      form(response, 400, "Give a username or email address of at most 254 characters.");
      return;
    }
    resets.request(who.strip(), ClientAddress.of(request, config.trustedProxies()));
    Cookies.clear(response, FORM_COOKIE);
    Pages.write(
        getServletContext(),
        response,
        200,
        "Check your email",
        "message",
        Map.of(
            "heading", "Check your email",
            "alert", "",
            "text",
                "If an account matches what you gave, a link to choose a new password is on its"
                    + " way to the account's email address. It works once, for 30 minutes.",
            "linkHref", "/login",
            "linkText", "Back to sign-in"));
  }
}
