package org.cmsbroker.oidc;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;

/** What a token request comes to. */
public sealed interface TokenOutcome {

  /** Tokens were issued (an OIDC token response when an ID token is among them). */
  record Issued(AccessTokenResponse response) implements TokenOutcome {}

  /**
   * Refused with an OAuth error; {@code basicChallenge}: answer 401 with {@code WWW-Authenticate}.
   */
  record Refused(ErrorObject error, boolean basicChallenge) implements TokenOutcome {
    public Refused(ErrorObject error) {
      this(error, false);
    }
  }
}
