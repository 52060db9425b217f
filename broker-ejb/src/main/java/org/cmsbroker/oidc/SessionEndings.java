package org.cmsbroker.oidc;

import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.cmsbroker.session.SessionEnded;

/**
 * What ending a login session means for its grants: its refresh tokens are revoked (in the
 * transaction that ended it) and its clients are sent back-channel logout (afterwards, without
 * holding that transaction up).
 */
@Stateless
public class SessionEndings {
  @Inject RefreshTokens refreshTokens;
  @Inject BackChannelLogout backChannel;

  public void onSessionEnded(@Observes SessionEnded ended) {
    refreshTokens.revokeForSession(ended.sessionIdHash());
    backChannel.sessionEnded(ended.sessionIdHash(), ended.accountId());
  }
}
