package org.cmsbroker.web.oidc;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.oidc.ProtocolErrors;
import org.cmsbroker.oidc.TokenGrantService;
import org.cmsbroker.oidc.TokenOutcome;
import org.cmsbroker.web.http.ClientAddress;

/**
 * {@code /oauth2/token}: parses the token request with the SDK, lets {@link TokenGrantService}
 * decide (one transaction per grant) and writes the outcome.
 */
@WebServlet(OidcEndpoints.TOKEN)
public class TokenServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient TokenGrantService grants;
  @Inject transient BrokerConfig config;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    TokenRequest tokenRequest;
    try {
      tokenRequest = TokenRequest.parse(JakartaServletUtils.createHTTPRequest(request));
    } catch (ParseException e) {
      Responses.error(ProtocolErrors.of(e), false, response);
      return;
    }
    TokenOutcome outcome =
        grants.grant(tokenRequest, ClientAddress.of(request, config.trustedProxies()));
    if (outcome instanceof TokenOutcome.Issued issued) {
      Responses.write(issued.response().toHTTPResponse(), response);
    } else if (outcome instanceof TokenOutcome.Refused refused) {
      Responses.error(refused.error(), refused.basicChallenge(), response);
    }
  }
}
