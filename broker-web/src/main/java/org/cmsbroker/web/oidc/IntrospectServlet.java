package org.cmsbroker.web.oidc;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.cmsbroker.oidc.IntrospectionService;
import org.cmsbroker.oidc.ProtocolErrors;

/** {@code /oauth2/introspect} (RFC 7662): parses with the SDK, answers what the service says. */
@WebServlet(OidcEndpoints.INTROSPECT)
public class IntrospectServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient IntrospectionService introspection;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    TokenIntrospectionRequest parsed;
    try {
      parsed = TokenIntrospectionRequest.parse(JakartaServletUtils.createHTTPRequest(request));
    } catch (ParseException e) {
      Responses.error(ProtocolErrors.of(e), false, response);
      return;
    }
    IntrospectionService.Answer answer = introspection.introspect(parsed);
    if (answer.response() == null) {
      Responses.error(answer.client().error(), answer.client().basicChallenge(), response);
      return;
    }
    Responses.write(answer.response().toHTTPResponse(), response);
  }
}
