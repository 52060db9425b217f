package org.cmsbroker.web.oidc;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.oidc.AuthenticatedClient;
import org.cmsbroker.oidc.ProtocolErrors;
import org.cmsbroker.oidc.RevocationService;
import org.cmsbroker.web.http.ClientAddress;

/** {@code /oauth2/revoke} (RFC 7009): parses with the SDK; 200 whatever the token was. */
@WebServlet(OidcEndpoints.REVOKE)
public class RevokeServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient RevocationService revocations;
  @Inject transient BrokerConfig config;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    TokenRevocationRequest revocation;
    try {
      revocation = TokenRevocationRequest.parse(JakartaServletUtils.createHTTPRequest(request));
    } catch (ParseException e) {
      Responses.error(ProtocolErrors.of(e), false, response);
      return;
    }
    AuthenticatedClient auth =
        revocations.revoke(revocation, ClientAddress.of(request, config.trustedProxies()));
    if (!auth.ok()) {
      Responses.error(auth.error(), auth.basicChallenge(), response);
      return;
    }
    response.setStatus(200);
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(0);
  }
}
