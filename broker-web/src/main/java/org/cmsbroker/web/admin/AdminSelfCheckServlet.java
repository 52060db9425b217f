package org.cmsbroker.web.admin;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.cmsbroker.admin.AdminHttpAccess;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.health.SelfCheck;
import org.cmsbroker.web.error.OAuthErrorBody;
import org.cmsbroker.web.http.ClientAddress;

/**
 * {@code GET /admin/self-check}: the report of {@code broker.jar check} as JSON, for an admin's
 * access token ({@code Authorization: Bearer}) from an allowed address. {@link AdminHttpAccess}
 * decides and records; this servlet parses and renders. {@code 200} with {@code "ok": false} when a
 * check failed, so a monitor reads the report rather than a bare status.
 */
@WebServlet(AdminSelfCheckServlet.PATH)
public class AdminSelfCheckServlet extends HttpServlet {
  public static final String PATH = "/admin/self-check";
  private static final long serialVersionUID = 1L;

  @Inject transient AdminHttpAccess access;
  @Inject transient SelfCheck selfCheck;
  @Inject transient BrokerConfig config;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String header = request.getHeader("Authorization");
    Optional<String> token = Optional.empty();
    if (header != null) {
      try {
        token = Optional.of(BearerAccessToken.parse(header).getValue());
      } catch (ParseException e) {
        challenge(response, "invalid_request", true);
        OAuthErrorBody.write(
            response, 401, "invalid_request", "The Authorization header is not a Bearer token.");
        return;
      }
    }
    AdminHttpAccess.Decision decision =
        access.authorize("self_check", token, ClientAddress.of(request, config.trustedProxies()));
    if (decision instanceof AdminHttpAccess.Decision.Refused refused) {
      if (refused.challenge()) {
        challenge(response, refused.error(), token.isPresent());
      }
      OAuthErrorBody.write(response, refused.status(), refused.error(), refused.description());
      return;
    }
    byte[] body = SelfCheck.json(selfCheck.run()).getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("application/json;charset=UTF-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** RFC 6750 3: no error code when the request carried no token at all. */
  private static void challenge(HttpServletResponse response, String error, boolean hadToken) {
    response.setHeader(
        "WWW-Authenticate",
        hadToken
            ? "Bearer realm=\"broker-admin\", error=\"" + error + "\""
            : "Bearer realm=\"broker-admin\"");
  }
}
