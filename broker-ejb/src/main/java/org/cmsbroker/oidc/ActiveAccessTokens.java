package org.cmsbroker.oidc;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.Optional;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.token.AccessTokenRejectedException;
import org.cmsbroker.token.SigningKeys;
import org.cmsbroker.token.VerifiedAccessToken;

/**
 * Whether an access token is active: a valid signature by the broker's own key, unexpired, not
 * revoked, its login session still live (logout and revocation end it), and its client still
 * registered and enabled.
 */
@Stateless
public class ActiveAccessTokens {
  @Inject SigningKeys keys;
  @Inject RefreshTokens refreshTokens;
  @Inject SessionService sessions;
  @Inject ClientService clients;

  public Optional<VerifiedAccessToken> active(String token) {
    VerifiedAccessToken verified;
    try {
      verified = keys.accessTokenVerifier().verify(token);
    } catch (AccessTokenRejectedException e) {
      return Optional.empty();
    }
    if (refreshTokens.isAccessTokenRevoked(verified.tokenId())) {
      return Optional.empty();
    }
    if (verified.sessionId().isPresent() && !sessions.isLive(verified.sessionId().get())) {
      return Optional.empty();
    }
    if (clients.find(verified.clientId()).filter(RegisteredClient::enabled).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(verified);
  }
}
