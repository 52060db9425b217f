package org.cmsbroker.oidc;

import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.Optional;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.token.VerifiedAccessToken;

/**
 * Token revocation (RFC 7009): a client revokes one of its own tokens. A refresh token takes its
 * whole family with it; an access token goes on the revocation list until it expires. Whatever the
 * token was, an authenticated client gets success, as the RFC asks.
 */
@Stateless
public class RevocationService {
  @Inject ClientAuthenticator authenticator;
  @Inject ActiveAccessTokens tokens;
  @Inject RefreshTokens refreshTokens;
  @Inject SecurityEvents events;

  /** Revokes; returns the client authentication (not ok: nothing was done). */
  public AuthenticatedClient revoke(TokenRevocationRequest request, String address) {
    AuthenticatedClient auth =
        authenticator.authenticate(request.getClientAuthentication(), request.getClientID(), true);
    if (!auth.ok()) {
      return auth;
    }
    String caller = auth.client().clientId();
    String value = request.getToken().getValue();
    Optional<RefreshToken> refresh =
        refreshTokens.find(value).filter(t -> t.clientId().equals(caller));
    if (refresh.isPresent()) {
      refreshTokens.revokeFamily(refresh.get().familyId());
      events.record(
          "oidc.revoked",
          Outcome.SUCCESS,
          refresh.get().grant().accountId(),
          address,
          "refresh_token client=" + caller);
      return auth;
    }
    Optional<VerifiedAccessToken> access =
        tokens.active(value).filter(t -> t.clientId().equals(caller));
    if (access.isPresent()) {
      refreshTokens.revokeAccessToken(access.get().tokenId(), access.get().expiresAt());
      events.record(
          "oidc.revoked",
          Outcome.SUCCESS,
          access.get().subject(),
          address,
          "access_token client=" + caller);
    }
    return auth;
  }
}
