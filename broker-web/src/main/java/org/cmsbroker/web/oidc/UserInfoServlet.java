package org.cmsbroker.web.oidc;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import com.nimbusds.oauth2.sdk.id.Subject;
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
import org.cmsbroker.account.Account;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.oidc.Scopes;
import org.cmsbroker.token.VerifiedAccessToken;

/** {@code /oauth2/userinfo} (OIDC Core 5.3): the person's claims for the token's scopes. */
@WebServlet(OidcEndpoints.USERINFO)
public class UserInfoServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient AccessTokenChecks tokens;
  @Inject transient AccountService accounts;
  @Inject transient ClientService clients;

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
    UserInfoRequest userInfoRequest;
    try {
      userInfoRequest = UserInfoRequest.parse(JakartaServletUtils.createHTTPRequest(request));
    } catch (ParseException e) {
      Responses.write(
          new UserInfoErrorResponse(BearerTokenError.MISSING_TOKEN).toHTTPResponse(), response);
      return;
    }
    Optional<VerifiedAccessToken> token =
        tokens.active(userInfoRequest.getAccessToken().getValue());
    Optional<AccountView> account =
        token
            .filter(t -> t.scope().contains("openid"))
            .flatMap(t -> accounts.findById(t.subject()))
            .filter(a -> a.state() == Account.State.ACTIVE);
    if (account.isEmpty()) {
      Responses.write(
          new UserInfoErrorResponse(BearerTokenError.INVALID_TOKEN).toHTTPResponse(), response);
      return;
    }
    AccountView a = account.get();
    UserInfo info = new UserInfo(new Subject(a.id()));
    var scope = token.get().scope();
    if (Scopes.releasesEmail(scope)) {
      info.setEmailAddress(a.email());
      info.setEmailVerified(a.emailVerified());
    }
    if (Scopes.releasesProfile(scope)) {
      info.setPreferredUsername(a.username());
      info.setName(a.displayName());
      info.setGivenName(a.givenName());
      info.setFamilyName(a.familyName());
    }
    if (Scopes.releasesRoles(scope)) {
      String claim =
          clients.find(token.get().clientId()).map(RegisteredClient::rolesClaim).orElse("roles");
      info.setClaim(claim, a.roles());
    }
    Responses.write(new UserInfoSuccessResponse(info).toHTTPResponse(), response);
  }
}
