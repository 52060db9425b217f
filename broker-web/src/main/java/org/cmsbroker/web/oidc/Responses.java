package org.cmsbroker.web.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Writes Nimbus protocol responses, with the broker's cache and error conventions. */
final class Responses {
  private Responses() {}

  static void write(HTTPResponse nimbus, HttpServletResponse response) throws IOException {
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("Pragma", "no-cache");
    JakartaServletUtils.applyHTTPResponse(nimbus, response);
  }

  /** An OAuth error; {@code invalid_client} after Basic authentication gets its challenge. */
  static void error(ErrorObject error, boolean basicChallenge, HttpServletResponse response)
      throws IOException {
    HTTPResponse nimbus = new TokenErrorResponse(error).toHTTPResponse();
    if (error.getHTTPStatusCode() == 401 || basicChallenge) {
      HTTPResponse challenge = new HTTPResponse(401);
      challenge.setEntityContentType(nimbus.getEntityContentType());
      challenge.setBody(nimbus.getBody());
      challenge.setHeader("WWW-Authenticate", "Basic realm=\"broker\"");
      nimbus = challenge;
    }
    write(nimbus, response);
  }
}
