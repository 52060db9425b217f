package org.cmsbroker.web.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.cmsbroker.web.error.OAuthErrorBody;

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
    int status = error.getHTTPStatusCode() > 0 ? error.getHTTPStatusCode() : 400;
    if (basicChallenge) {
      status = 401;
    }
    if (status == 401) {
      response.setHeader("WWW-Authenticate", "Basic realm=\"broker\"");
    }
    response.setHeader("Pragma", "no-cache");
    OAuthErrorBody.write(response, status, error.getCode(), error.getDescription());
  }
}
