package org.cmsbroker.oidc;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * The provider's short-lived state on this instance: authorization codes. Purged every minute;
 * expired access-token revocations are dropped on the same timer.
 */
@Startup
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class OidcComponents {
  @Inject SecureRandom random;
  @Inject RefreshTokens refreshTokens;
  @Inject Clock clock;

  private AuthorizationCodes codes;

  @PostConstruct
  void start() {
    codes = new AuthorizationCodes(random, clock);
  }

  @Schedule(hour = "*", minute = "*", persistent = false)
  void purge() {
    codes.purgeExpired();
    refreshTokens.purgeExpired();
  }

  public AuthorizationCodes codes() {
    return codes;
  }
}
