package org.cmsbroker.web.oidc;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.oidc.EndSessionOutcome;
import org.cmsbroker.oidc.EndSessionService;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.web.http.ClientAddress;
import org.cmsbroker.web.http.Cookies;
import org.cmsbroker.web.login.WebSessions;
import org.cmsbroker.web.page.Pages;

/**
 * {@code /oauth2/logout}: parses the RP-initiated logout request with the SDK, lets {@link
 * EndSessionService} decide and renders: the confirmation page, a redirect to a registered
 * post-logout URI, or the broker's own signed-out page. A request that does not parse still lets
 * the person sign out (after confirming).
 */
@WebServlet(OidcEndpoints.END_SESSION)
public class EndSessionServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient WebSessions webSessions;
  @Inject transient EndSessionService endSessions;
  @Inject transient BrokerConfig config;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    handle(request, response, null);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    handle(
        request,
        response,
        "yes".equals(request.getParameter("confirm")) ? request.getParameter("csrf") : null);
  }

  private void handle(HttpServletRequest request, HttpServletResponse response, String csrf)
      throws IOException {
    Map<String, List<String>> params = new LinkedHashMap<>();
    request
        .getParameterMap()
        .forEach(
            (k, v) -> {
              if (!k.equals("csrf") && !k.equals("confirm")) {
                // The confirmation form posts empty fields for values the site did not send.
                List<String> values = List.of(v).stream().filter(x -> !x.isEmpty()).toList();
                if (!values.isEmpty()) {
                  params.put(k, values);
                }
              }
            });
    LogoutRequest logout;
    try {
      logout = LogoutRequest.parse(params);
    } catch (ParseException | IllegalArgumentException e) {
      logout = new LogoutRequest(null);
    }
    Optional<ActiveSession> session = webSessions.current(request);
    EndSessionOutcome outcome =
        endSessions.endSession(
            logout, session, csrf, ClientAddress.of(request, config.trustedProxies()));
    if (outcome instanceof EndSessionOutcome.Confirm confirm) {
      confirm(response, session.orElseThrow(), confirm);
    } else if (outcome instanceof EndSessionOutcome.SignedOut out) {
      if (out.sessionEnded()) {
        Cookies.clear(response, SessionService.COOKIE);
      }
      if (out.redirect() != null) {
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", out.redirect().toString());
        response.setContentLength(0);
      } else {
        signedOut(response, out.unregisteredRedirect());
      }
    }
  }

  private void confirm(
      HttpServletResponse response, ActiveSession session, EndSessionOutcome.Confirm confirm)
      throws IOException {
    Map<String, String> values = new HashMap<>();
    values.put(
        "siteLine",
        confirm.siteName() == null
            ? "Do you want to sign out of this service?"
            : confirm.siteName() + " asks to sign you out of this service.");
    values.put("csrf", session.csrfToken());
    values.put("clientId", confirm.clientId() == null ? "" : confirm.clientId());
    values.put(
        "postLogoutRedirectUri",
        confirm.postLogoutRedirectUri() == null ? "" : confirm.postLogoutRedirectUri());
    values.put("state", confirm.state() == null ? "" : confirm.state());
    Pages.write(getServletContext(), response, 200, "Sign out?", "logout-confirm", values);
  }

  private void signedOut(HttpServletResponse response, boolean unregistered) throws IOException {
    Pages.write(
        getServletContext(),
        response,
        200,
        "Signed out",
        "message",
        Map.of(
            "heading",
            "You have signed out",
            "alert",
            Pages.notice(
                unregistered
                    ? "The site asked to send you to an address it has not registered, so you"
                        + " stay here."
                    : null),
            "text",
            "You are signed out of this service. You can close this window or go back to the site.",
            "linkHref",
            "/login",
            "linkText",
            "Sign in again"));
  }
}
