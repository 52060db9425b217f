package org.cmsbroker.web.oidc;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.oidc.RefreshToken;
import org.cmsbroker.oidc.RefreshTokens;
import org.cmsbroker.token.VerifiedAccessToken;
import org.cmsbroker.web.http.ClientAddress;

/**
 * {@code /oauth2/revoke} (RFC 7009): a client revokes one of its own tokens. A refresh token takes
 * its whole family with it; an access token goes on the revocation list until it expires. The
 * answer is 200 whatever the token was, as the RFC asks.
 */
@WebServlet(OidcEndpoints.REVOKE)
public class RevokeServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient ClientService clients;
  @Inject transient AccessTokenChecks tokens;
  @Inject transient RefreshTokens refreshTokens;
  @Inject transient SecurityEvents events;
  @Inject transient BrokerConfig config;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    TokenRevocationRequest revocation;
    try {
      revocation = TokenRevocationRequest.parse(JakartaServletUtils.createHTTPRequest(request));
    } catch (ParseException e) {
      Responses.error(
          e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject(),
          false,
          response);
      return;
    }
    OAuthClients.Authenticated auth =
        OAuthClients.authenticate(
            clients, revocation.getClientAuthentication(), revocation.getClientID(), true);
    if (!auth.ok()) {
      Responses.error(auth.error(), auth.basic(), response);
      return;
    }
    String caller = auth.client().clientId();
    String value = revocation.getToken().getValue();
    Optional<RefreshToken> refresh =
        refreshTokens.find(value).filter(t -> t.clientId().equals(caller));
    if (refresh.isPresent()) {
      refreshTokens.revokeFamily(refresh.get().familyId());
      events.record(
          "oidc.revoked",
          Outcome.SUCCESS,
          refresh.get().grant().accountId(),
          ClientAddress.of(request, config.trustedProxies()),
          "refresh_token client=" + caller);
    } else {
      Optional<VerifiedAccessToken> access =
          tokens.active(value).filter(t -> t.clientId().equals(caller));
      if (access.isPresent()) {
        refreshTokens.revokeAccessToken(access.get().tokenId(), access.get().expiresAt());
        events.record(
            "oidc.revoked",
            Outcome.SUCCESS,
            access.get().subject(),
            ClientAddress.of(request, config.trustedProxies()),
            "access_token client=" + caller);
      }
    }
    response.setStatus(200);
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(0);
  }
}
