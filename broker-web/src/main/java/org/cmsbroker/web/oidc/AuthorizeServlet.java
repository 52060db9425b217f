package org.cmsbroker.web.oidc;

import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.crypto.SecretTokens;
import org.cmsbroker.oidc.AuthorizationOutcome;
import org.cmsbroker.oidc.AuthorizationService;
import org.cmsbroker.web.http.ClientAddress;
import org.cmsbroker.web.http.Cookies;
import org.cmsbroker.web.login.WebSessions;
import org.cmsbroker.web.page.Html;
import org.cmsbroker.web.page.Pages;

/**
 * {@code /oauth2/authorize}: parses the authentication request with the SDK (query or form post),
 * hands it to {@link AuthorizationService} with the browser's session and binding cookie, and
 * renders the outcome: an error page, the login page (coming back with {@code resume=<id>}), or the
 * answer at the client's redirect URI in {@code query} or {@code form_post} mode.
 */
@WebServlet(OidcEndpoints.AUTHORIZE)
public class AuthorizeServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  /** Binds pending authorizations to this browser. */
  public static final String BINDING_COOKIE = "__Host-broker_authz";

  /** The parameter that names a pending authorization on the way back from the login page. */
  public static final String RESUME = "resume";

  @Inject transient AuthorizationService authorizations;
  @Inject transient WebSessions sessions;
  @Inject transient BrokerConfig config;
  @Inject transient SecureRandom random;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    handle(request, response);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    // A form post (OIDC Core 3.1.2.1).
    handle(request, response);
  }

  private void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String address = ClientAddress.of(request, config.trustedProxies());
    String binding = Cookies.get(request, BINDING_COOKIE);
    String resume = request.getParameter(RESUME);
    AuthorizationOutcome outcome;
    if (resume != null) {
      outcome = authorizations.resume(resume, sessions.current(request), binding, address);
    } else {
      if (binding == null || binding.length() != SecretTokens.LENGTH) {
        binding = SecretTokens.generate(random);
        Cookies.set(response, BINDING_COOKIE, binding, "Lax");
      }
      AuthenticationRequest parsed;
      try {
        parsed = AuthenticationRequest.parse(parameters(request));
        outcome = authorizations.authorize(parsed, sessions.current(request), binding, address);
      } catch (ParseException e) {
        outcome = authorizations.malformed(e);
      } catch (IllegalArgumentException e) {
        // A value the SDK cannot even represent: malformed, never a server error.
        outcome = authorizations.malformed(new ParseException("The request is malformed"));
      }
    }
    render(outcome, response);
  }

  private static Map<String, List<String>> parameters(HttpServletRequest request) {
    Map<String, List<String>> params = new java.util.LinkedHashMap<>();
    request.getParameterMap().forEach((k, v) -> params.put(k, List.of(v)));
    return params;
  }

  private void render(AuthorizationOutcome outcome, HttpServletResponse response)
      throws IOException {
    if (outcome instanceof AuthorizationOutcome.Refused refused) {
      errorPage(response, refused.message());
    } else if (outcome instanceof AuthorizationOutcome.LoginNeeded login) {
      String back = OidcEndpoints.AUTHORIZE + "?" + RESUME + "=" + login.pendingId();
      redirect(
          response,
          "/login?"
              + (login.force() ? "force=1&" : "")
              + "return_to="
              + URLEncoder.encode(back, StandardCharsets.UTF_8));
    } else if (outcome instanceof AuthorizationOutcome.Respond respond) {
      AuthorizationResponse answer = respond.response();
      if (ResponseMode.FORM_POST.equals(answer.impliedResponseMode())) {
        formPost(response, answer);
      } else {
        redirect(response, answer.toURI().toString());
      }
    }
  }

  /**
   * OAuth 2.0 Form Post Response Mode: a page whose form posts the answer to the redirect URI,
   * submitted by the broker's own script (allowed by nonce and integrity; the form may post only to
   * the redirect URI's origin).
   */
  private void formPost(HttpServletResponse response, AuthorizationResponse answer)
      throws IOException {
    StringBuilder fields = new StringBuilder();
    answer
        .toParameters()
        .forEach(
            (name, values) -> {
              for (String value : values) {
                fields
                    .append("<input type=\"hidden\" name=\"")
                    .append(Html.escape(name))
                    .append("\" value=\"")
                    .append(Html.escape(value))
                    .append("\">\n");
              }
            });
    URI target = answer.getRedirectionURI();
    String origin =
        target.getScheme()
            + "://"
            + target.getHost()
            + (target.getPort() == -1 ? "" : ":" + target.getPort());
    Pages.write(
        getServletContext(),
        response,
        200,
        "Returning to the site",
        "form-post",
        Map.of("action", target.toString(), "fields", fields.toString()),
        nonce ->
            "default-src 'none'; script-src 'nonce-"
                + nonce
                + "'; style-src 'self'; img-src 'self'; form-action "
                + origin
                + "; frame-ancestors 'none'; base-uri 'none'",
        "/assets/form-post.js");
  }

  private static void redirect(HttpServletResponse response, String location) {
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", location);
    response.setContentLength(0);
  }

  private void errorPage(HttpServletResponse response, String message) throws IOException {
    Pages.write(
        getServletContext(),
        response,
        400,
        "Cannot sign you in",
        "message",
        Map.of(
            "heading", "Cannot sign you in",
            "alert", Pages.alert(message),
            "text", "Go back to the site you came from and try again, or tell its administrator.",
            "linkHref", "/",
            "linkText", "About this service"));
  }
}
