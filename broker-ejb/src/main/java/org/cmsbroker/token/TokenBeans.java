package org.cmsbroker.token;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

/** Makes the token issuer and the access token verifier of {@link SigningKeys} injectable. */
@ApplicationScoped
public class TokenBeans {
  @Inject SigningKeys keys;

  @Produces
  public TokenIssuer tokenIssuer() {
    return keys.issuer();
  }

  @Produces
  public AccessTokenVerifier accessTokenVerifier() {
    return keys.accessTokenVerifier();
  }
}
