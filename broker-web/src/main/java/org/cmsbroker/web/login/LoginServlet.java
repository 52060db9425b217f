package org.cmsbroker.web.login;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.login.LoginOutcome;
import org.cmsbroker.login.LoginService;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.web.http.ClientAddress;
import org.cmsbroker.web.http.Cookies;
import org.cmsbroker.web.page.Pages;

/**
 * {@code /login}: the sign-in page and its post. The page carries the current login key (public
 * JWK) and a single-use challenge bound to this browser by a {@code __Host-} cookie; its own script
 * posts only a JWE of username, password and challenge. Every refusal is a page (or JSON for
 * clients that ask for it) with a precise, fixed message and the right status.
 */
@WebServlet("/login")
public class LoginServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private static final String BINDING_COOKIE = EncryptedForms.BINDING_COOKIE;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  @Inject transient EncryptedForms forms;
  @Inject transient LoginService service;
  @Inject transient WebSessions sessions;
  @Inject transient BrokerConfig config;
  @Inject transient ClientService clients;
  @Inject transient org.cmsbroker.oidc.AuthorizationService authorizations;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String requested = request.getParameter("return_to");
    Optional<ActiveSession> session = sessions.current(request);
    // force=1: a relying party asked for a fresh login (prompt=login, max_age); show the form.
    if (session.isPresent() && request.getParameter("force") == null) {
      redirect(response, ReturnTo.sanitise(requested));
      return;
    }
    String notice =
        request.getParameter("signed_out") != null
            ? "You have signed out."
            : request.getParameter("password_reset") != null
                ? "Your password was changed. Sign in with the new one."
                : null;
    render(request, response, 200, ReturnTo.sanitise(requested), "", null, notice);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!isForm(request)) {
      refuse(
          request, response, 415, "unsupported_media_type", "Send the sign-in form as a form.", "");
      return;
    }
    String returnTo = ReturnTo.sanitise(request.getParameter("return_to"));
    String credentials = request.getParameter("credentials");
    String password = request.getParameter("password");
    String address = ClientAddress.of(request, config.trustedProxies());
    LoginOutcome outcome;
    String typedUsername = "";
    if (credentials != null && !credentials.isEmpty()) {
      outcome =
          service.loginEncrypted(
              credentials,
              Cookies.get(request, BINDING_COOKIE),
              address,
              Cookies.get(request, SessionService.COOKIE));
    } else if (password != null) {
      typedUsername = request.getParameter("username");
      outcome =
          service.loginPlaintext(
              typedUsername,
              password.toCharArray(),
              address,
              Cookies.get(request, SessionService.COOKIE));
    } else {
      refuse(
          request,
          response,
          400,
          "invalid_request",
          "The sign-in form was not submitted correctly. Reload the page and try again.",
          "");
      return;
    }
    String shownUsername = typedUsername == null ? "" : typedUsername;
    if (outcome instanceof LoginOutcome.Success success) {
      sessions.start(response, success.session());
      Cookies.clear(response, BINDING_COOKIE);
      if (returnTo.startsWith("/oauth2/")) {
        // The authorization endpoint redirects on to the site. Browsers apply this page's
        // form-action 'self' to every redirect of the form post, so leave the post behind first.
        continueTo(response, returnTo);
      } else {
        redirect(response, returnTo);
      }
    } else if (outcome instanceof LoginOutcome.Rejected rejected) {
      refuse(
          request,
          response,
          400,
          rejected.reason().code(),
          "Your sign-in could not be processed: " + rejected.reason().message(),
          shownUsername);
    } else if (outcome instanceof LoginOutcome.PlaintextRefused) {
      refuse(
          request,
          response,
          400,
          "plaintext_refused",
          "This service only accepts encrypted passwords. Please turn on JavaScript and try"
              + " again.",
          shownUsername);
    } else if (outcome instanceof LoginOutcome.InvalidCredentials) {
      refuse(
          request,
          response,
          401,
          "invalid_credentials",
          "The username or password is not correct.",
          shownUsername);
    } else if (outcome instanceof LoginOutcome.Locked locked) {
      long seconds = Math.max(1, Duration.between(Instant.now(), locked.until()).toSeconds() + 1);
      response.setHeader("Retry-After", Long.toString(seconds));
      refuse(
          request,
          response,
          429,
          locked.accountLimitReached() ? "account_locked" : "too_many_attempts",
          (locked.accountLimitReached()
                  ? "This account is locked for now after too many failed sign-ins."
                  : "Too many failed sign-ins.")
              + " Try again after "
              + TIME.format(locked.until())
              + ".",
          shownUsername);
    } else if (outcome instanceof LoginOutcome.Disabled) {
      refuse(
          request,
          response,
          403,
          "account_disabled",
          "This account is disabled. Ask the site's administrator.",
          shownUsername);
    }
  }

  private static boolean isForm(HttpServletRequest request) {
    String type = request.getContentType();
    return type != null
        && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }

  private void refuse(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      String code,
      String message,
      String username)
      throws IOException {
    String accept = request.getHeader("Accept");
    if (accept != null && accept.contains("application/json") && !accept.contains("text/html")) {
      org.cmsbroker.web.error.OAuthErrorBody.write(response, status, code, message);
      return;
    }
    render(
        request,
        response,
        status,
        ReturnTo.sanitise(request.getParameter("return_to")),
        username,
        message,
        null);
  }

  private void render(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      String returnTo,
      String username,
      String error,
      String notice)
      throws IOException {
    String formConfig = forms.prepare(response);
    boolean plaintext = config.loginAllowPlaintext();
    Map<String, String> values = new HashMap<>();
    values.put("siteLine", siteLine(returnTo));
    values.put("alert", Pages.alert(error) + Pages.notice(notice));
    values.put("returnTo", returnTo);
    values.put("username", username == null ? "" : username);
    values.put("usernameName", plaintext ? "name=\"username\"" : "");
    values.put("passwordName", plaintext ? "name=\"password\"" : "");
    values.put(
        "noScriptHint",
        plaintext
            ? "Without JavaScript your password is sent protected by TLS only."
            : "JavaScript is needed: it encrypts your password before it leaves this page.");
    values.put("config", formConfig);
    Pages.write(getServletContext(), response, status, "Sign in", "login", values);
  }

  /** Which site the person is signing in to: the registered client's display name. */
  private String siteLine(String returnTo) {
    String resume = "/oauth2/authorize?resume=";
    if (returnTo.startsWith(resume)) {
      return authorizations
          .pendingClient(returnTo.substring(resume.length()))
          .map(c -> "Sign in to continue to " + c.displayName() + ".")
          .orElse("Sign in to continue to the site that sent you here.");
    }
    if (returnTo.startsWith("/oauth2/authorize?")) {
      for (String pair : returnTo.substring(returnTo.indexOf('?') + 1).split("&")) {
        if (pair.startsWith("client_id=")) {
          String id =
              java.net.URLDecoder.decode(
                  pair.substring("client_id=".length()), StandardCharsets.UTF_8);
          Optional<String> name =
              clients.find(id).filter(RegisteredClient::enabled).map(RegisteredClient::displayName);
          if (name.isPresent()) {
            return "Sign in to continue to " + name.get() + ".";
          }
        }
      }
      return "Sign in to continue to the site that sent you here.";
    }
    return ReturnTo.DEFAULT.equals(returnTo)
        ? "Sign in to your account at " + config.publicUrl().getHost() + "."
        : "Sign in to continue.";
  }

  private void continueTo(HttpServletResponse response, String location) throws IOException {
    Pages.write(
        getServletContext(), response, 200, "Signed in", "continue", Map.of("location", location));
    // Pages.write has set the CSP; the refresh is a new navigation, not part of the post.
  }

  private static void redirect(HttpServletResponse response, String location) {
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", location);
    response.setContentLength(0);
  }
}
