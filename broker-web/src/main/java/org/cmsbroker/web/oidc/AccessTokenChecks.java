package org.cmsbroker.web.oidc;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.cmsbroker.oidc.ActiveAccessTokens;
import org.cmsbroker.token.VerifiedAccessToken;

/** The payments API's view of {@link ActiveAccessTokens}: whether an access token is active. */
@ApplicationScoped
public class AccessTokenChecks {
  @Inject ActiveAccessTokens tokens;

  public Optional<VerifiedAccessToken> active(String token) {
    return tokens.active(token);
  }
}
