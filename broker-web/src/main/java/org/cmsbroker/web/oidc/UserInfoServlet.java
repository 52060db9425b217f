package org.cmsbroker.web.oidc;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import com.nimbusds.oauth2.sdk.token.BearerTokenError;
import com.nimbusds.openid.connect.sdk.UserInfoErrorResponse;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoSuccessResponse;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.cmsbroker.oidc.UserInfoService;

/** {@code /oauth2/userinfo} (OIDC Core 5.3): parses with the SDK, answers what the service says. */
@WebServlet(OidcEndpoints.USERINFO)
public class UserInfoServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient UserInfoService userInfo;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    answer(request, response);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    answer(request, response);
  }

  private void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
    UserInfoRequest parsed;
    try {
      parsed = UserInfoRequest.parse(JakartaServletUtils.createHTTPRequest(request));
    } catch (ParseException e) {
      Responses.write(
          new UserInfoErrorResponse(BearerTokenError.MISSING_TOKEN).toHTTPResponse(), response);
      return;
    }
    Optional<UserInfo> info = userInfo.userInfo(parsed.getAccessToken().getValue());
    Responses.write(
        info.isPresent()
            ? new UserInfoSuccessResponse(info.get()).toHTTPResponse()
            : new UserInfoErrorResponse(BearerTokenError.INVALID_TOKEN).toHTTPResponse(),
        response);
  }
}
