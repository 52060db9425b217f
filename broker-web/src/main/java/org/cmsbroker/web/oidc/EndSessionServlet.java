package org.cmsbroker.web.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.oidc.BackChannelLogout;
import org.cmsbroker.oidc.RefreshTokens;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.token.SigningKeys;
import org.cmsbroker.web.http.ClientAddress;
import org.cmsbroker.web.login.WebSessions;
import org.cmsbroker.web.page.Pages;

/**
 * {@code /oauth2/logout}: OpenID Connect RP-Initiated Logout 1.0. With an {@code id_token_hint} the
 * broker issued for this very session, the session ends at once; without one the person confirms
 * (so another site cannot sign them out). A {@code post_logout_redirect_uri} must be registered
 * exactly for the client, else there is no redirect. Ending the session revokes its refresh tokens
 * and notifies clients by back-channel logout.
 */
@WebServlet(OidcEndpoints.END_SESSION)
public class EndSessionServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient WebSessions webSessions;
  @Inject transient SessionService sessions;
  @Inject transient ClientService clients;
  @Inject transient SigningKeys keys;
  @Inject transient RefreshTokens refreshTokens;
  @Inject transient BackChannelLogout backChannel;
  @Inject transient SecurityEvents events;
  @Inject transient BrokerConfig config;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    handle(request, response, false);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    handle(request, response, "yes".equals(request.getParameter("confirm")));
  }

  private void handle(HttpServletRequest request, HttpServletResponse response, boolean confirmed)
      throws IOException {
    Optional<JWTClaimsSet> hint = keys.issuer().idTokenHint(request.getParameter("id_token_hint"));
    String clientId = request.getParameter("client_id");
    if ((clientId == null || clientId.isBlank())
        && hint.isPresent()
        && !hint.get().getAudience().isEmpty()) {
      clientId = hint.get().getAudience().get(0);
    }
    Optional<RegisteredClient> client =
        clientId == null
            ? Optional.empty()
            : clients.find(clientId).filter(RegisteredClient::enabled);
    String postLogout = request.getParameter("post_logout_redirect_uri");
    if (postLogout != null
        && !postLogout.isEmpty()
        && (client.isEmpty() || !client.get().hasPostLogoutRedirectUri(postLogout))) {
      message(response, 400, "The site asked to send you to an address it has not registered.");
      return;
    }
    Optional<ActiveSession> session = webSessions.current(request);
    if (session.isPresent()) {
      boolean hintMatches =
          hint.isPresent() && session.get().idHash().equals(claim(hint.get(), "sid"));
      boolean csrfOk =
          confirmed && SessionService.csrfMatches(session.get(), request.getParameter("csrf"));
      if (!hintMatches && !csrfOk) {
        confirm(response, session.get(), client, postLogout, request.getParameter("state"));
        return;
      }
      String accountId = session.get().accountId();
      webSessions.end(request, response);
      refreshTokens.revokeForSession(session.get().idHash());
      backChannel.sessionEnded(session.get().idHash(), accountId);
      events.record(
          "logout",
          Outcome.SUCCESS,
          accountId,
          ClientAddress.of(request, config.trustedProxies()),
          client.map(c -> "rp-initiated client=" + c.clientId()).orElse("rp-initiated"));
    }
    if (postLogout != null && !postLogout.isEmpty()) {
      String state = request.getParameter("state");
      String location =
          postLogout
              + (state == null || state.isEmpty()
                  ? ""
                  : (postLogout.contains("?") ? "&" : "?")
                      + "state="
                      + URLEncoder.encode(state, StandardCharsets.UTF_8));
      response.setStatus(HttpServletResponse.SC_SEE_OTHER);
      response.setHeader("Location", location);
      response.setContentLength(0);
      return;
    }
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", "/login?signed_out=1");
    response.setContentLength(0);
  }

  private static String claim(JWTClaimsSet claims, String name) {
    Object value = claims.getClaim(name);
    return value == null ? null : value.toString();
  }

  private void confirm(
      HttpServletResponse response,
      ActiveSession session,
      Optional<RegisteredClient> client,
      String postLogout,
      String state)
      throws IOException {
    Map<String, String> values = new HashMap<>();
    values.put(
        "siteLine",
        client
            .map(c -> c.displayName() + " asks to sign you out of this service.")
            .orElse("Do you want to sign out of this service?"));
    values.put("csrf", session.csrfToken());
    values.put("clientId", client.map(RegisteredClient::clientId).orElse(""));
    values.put("postLogoutRedirectUri", postLogout == null ? "" : postLogout);
    values.put("state", state == null ? "" : state);
    Pages.write(getServletContext(), response, 200, "Sign out?", "logout-confirm", values);
  }

  private void message(HttpServletResponse response, int status, String text) throws IOException {
    Pages.write(
        getServletContext(),
        response,
        status,
        "Cannot sign you out",
        "message",
        Map.of(
            "heading", "Cannot sign you out here",
            "alert", Pages.alert(text),
            "text", "Sign out from the site you came from, or from your account page.",
            "linkHref", "/account",
            "linkText", "Your account"));
  }
}
