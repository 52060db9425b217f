package org.cmsbroker.oidc;

import com.nimbusds.oauth2.sdk.id.Subject;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.cmsbroker.account.Account;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.token.VerifiedAccessToken;

/** The UserInfo endpoint's answer (OIDC Core 5.3): the person's claims for the token's scopes. */
@Stateless
public class UserInfoService {
  @Inject ActiveAccessTokens tokens;
  @Inject AccountService accounts;
  @Inject ClientService clients;

  /** The claims for an active access token with {@code openid}; empty: {@code invalid_token}. */
  public Optional<UserInfo> userInfo(String accessToken) {
    Optional<VerifiedAccessToken> token =
        tokens.active(accessToken).filter(t -> t.scope().contains("openid"));
    Optional<AccountView> account =
        token
            .flatMap(t -> accounts.findById(t.subject()))
            .filter(a -> a.state() == Account.State.ACTIVE);
    if (account.isEmpty()) {
      return Optional.empty();
    }
    AccountView a = account.get();
    UserInfo info = new UserInfo(new Subject(a.id()));
    List<String> scope = token.get().scope();
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
    return Optional.of(info);
  }
}
