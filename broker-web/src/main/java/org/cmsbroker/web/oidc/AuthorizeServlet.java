package org.cmsbroker.web.oidc;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.openid.connect.sdk.AuthenticationErrorResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.OIDCError;
import com.nimbusds.openid.connect.sdk.Prompt;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.oidc.OidcComponents;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.web.http.ClientAddress;
import org.cmsbroker.web.login.WebSessions;
import org.cmsbroker.web.page.Pages;

/**
 * {@code /oauth2/authorize}: the authorization endpoint (OIDC Core 3.1, code flow). An unknown
 * client or a redirect URI that is not exactly registered gets an error page, never a redirect.
 * Other errors go back to the client's redirect URI as the spec says. Without a live session (or
 * with {@code prompt=login} / an exceeded {@code max_age}) the person is sent to the login page,
 * which brings them back here.
 */
@WebServlet(OidcEndpoints.AUTHORIZE)
public class AuthorizeServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient ClientService clients;
  @Inject transient WebSessions sessions;
  @Inject transient OidcComponents oidc;
  @Inject transient BrokerConfig config;
  @Inject transient SecurityEvents events;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String query = request.getQueryString();
    authorize(request, response, query == null ? "" : query);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    // A form post (OIDC Core 3.1.2.1): rebuild the query from the parameters.
    StringBuilder query = new StringBuilder();
    for (Map.Entry<String, String[]> p : request.getParameterMap().entrySet()) {
      for (String v : p.getValue()) {
        if (query.length() > 0) {
          query.append('&');
        }
        query
            .append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
      }
    }
    authorize(request, response, query.toString());
  }

  private void authorize(HttpServletRequest request, HttpServletResponse response, String query)
      throws IOException {
    AuthenticationRequest auth;
    try {
      auth = AuthenticationRequest.parse(query);
    } catch (ParseException e) {
      // Without a valid client_id and redirect_uri nothing may be redirected.
      Optional<RegisteredClient> client =
          Optional.ofNullable(e.getClientID())
              .flatMap(id -> clients.find(id.getValue()))
              .filter(RegisteredClient::enabled);
      if (client.isPresent()
          && e.getRedirectionURI() != null
          && client.get().hasRedirectUri(e.getRedirectionURI().toString())) {
        redirect(
            response,
            new AuthenticationErrorResponse(
                    e.getRedirectionURI(),
                    e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject(),
                    e.getState(),
                    e.getResponseMode())
                .toURI());
        return;
      }
      errorPage(
          response, "The request from the site is not valid: " + describe(e.getErrorObject()));
      return;
    }
    Optional<RegisteredClient> found =
        clients.find(auth.getClientID().getValue()).filter(RegisteredClient::enabled);
    if (found.isEmpty()) {
      errorPage(response, "The site that sent you here is not registered with this service.");
      return;
    }
    RegisteredClient client = found.get();
    URI redirectUri = auth.getRedirectionURI();
    if (!client.hasRedirectUri(redirectUri.toString())) {
      errorPage(response, "The site asked to send you back to an address it has not registered.");
      return;
    }
    ErrorObject problem = check(auth, client);
    if (problem != null) {
      sendError(response, auth, problem);
      return;
    }
    Optional<ActiveSession> session = sessions.current(request);
    Instant now = Instant.now();
    boolean forceLogin = auth.getPrompt() != null && auth.getPrompt().contains(Prompt.Type.LOGIN);
    boolean tooOld =
        session.isPresent()
            && auth.getMaxAge() >= 0
            && session.get().createdAt().plusSeconds(auth.getMaxAge()).isBefore(now);
    String freshAfter = request.getParameter("_fresh_after");
    boolean freshEnough =
        freshAfter == null
            || session.isPresent()
                && !session
                    .get()
                    .createdAt()
                    .isBefore(Instant.ofEpochSecond(parseLong(freshAfter)));
    if (session.isEmpty() || tooOld || (forceLogin && freshAfter == null) || !freshEnough) {
      if (auth.getPrompt() != null && auth.getPrompt().contains(Prompt.Type.NONE)) {
        sendError(response, auth, OIDCError.LOGIN_REQUIRED);
        return;
      }
      String back = OidcEndpoints.AUTHORIZE + "?" + stripFresh(query);
      // Coming back, the session must be at least this new (prompt=login, max_age).
      back += "&_fresh_after=" + now.getEpochSecond();
      boolean force = session.isPresent();
      response.setStatus(HttpServletResponse.SC_SEE_OTHER);
      response.setHeader(
          "Location",
          "/login?"
              + (force ? "force=1&" : "")
              + "return_to="
              + URLEncoder.encode(back, StandardCharsets.UTF_8));
      response.setContentLength(0);
      return;
    }
    ActiveSession s = session.get();
    String code =
        oidc.codes()
            .issue(
                new org.cmsbroker.oidc.AuthorizationCode(
                    client.clientId(),
                    redirectUri.toString(),
                    auth.getCodeChallenge() == null ? null : auth.getCodeChallenge().getValue(),
                    auth.getNonce() == null ? null : auth.getNonce().getValue(),
                    auth.getScope().toString(),
                    s.accountId(),
                    s.idHash(),
                    s.createdAt(),
                    now.plus(org.cmsbroker.oidc.AuthorizationCodes.LIFETIME)));
    events.record(
        "oidc.authorized",
        Outcome.SUCCESS,
        s.accountId(),
        ClientAddress.of(request, config.trustedProxies()),
        "client=" + client.clientId());
    redirect(
        response,
        new AuthenticationSuccessResponse(
                redirectUri,
                new AuthorizationCode(code),
                null,
                null,
                auth.getState(),
                null,
                new Issuer(config.publicUrl().toString()),
                auth.getResponseMode())
            .toURI());
  }

  /** Protocol checks that are answered at the client's redirect URI. */
  static ErrorObject check(AuthenticationRequest auth, RegisteredClient client) {
    if (!auth.getResponseType().equals(ResponseType.CODE)) {
      return OAuth2Error.UNSUPPORTED_RESPONSE_TYPE;
    }
    if (!client.allowsGrantType("authorization_code")) {
      return OAuth2Error.UNAUTHORIZED_CLIENT;
    }
    if (auth.getScope() == null || !auth.getScope().contains("openid")) {
      return OAuth2Error.INVALID_SCOPE.setDescription("The scope must include openid");
    }
    if (auth.getRequestObject() != null || auth.getRequestURI() != null) {
      return OAuth2Error.REQUEST_NOT_SUPPORTED;
    }
    if (auth.getCodeChallenge() == null) {
      if (client.isPublic()) {
        return OAuth2Error.INVALID_REQUEST.setDescription("PKCE (S256) is required");
      }
    } else if (!CodeChallengeMethod.S256.equals(auth.getCodeChallengeMethod())) {
      return OAuth2Error.INVALID_REQUEST.setDescription(
          "Only the S256 code challenge method is supported");
    }
    if (auth.getPrompt() != null
        && auth.getPrompt().contains(Prompt.Type.NONE)
        && auth.getPrompt().size() > 1) {
      return OAuth2Error.INVALID_REQUEST.setDescription("prompt=none cannot be combined");
    }
    return null;
  }

  private static String stripFresh(String query) {
    return query.replaceAll("(^|&)_fresh_after=[^&]*", "").replaceAll("^&", "");
  }

  private static long parseLong(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  private void sendError(
      HttpServletResponse response, AuthenticationRequest auth, ErrorObject error)
      throws IOException {
    redirect(
        response,
        new AuthenticationErrorResponse(
                auth.getRedirectionURI(),
                error,
                auth.getState(),
                new Issuer(config.publicUrl().toString()),
                auth.getResponseMode())
            .toURI());
  }

  private static void redirect(HttpServletResponse response, URI location) {
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", location.toString());
    response.setContentLength(0);
  }

  private static String describe(ErrorObject error) {
    return error == null || error.getDescription() == null
        ? "it is malformed."
        : error.getDescription() + ".";
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
