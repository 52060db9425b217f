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
import org.cmsbroker.grid.DataGrid;

/**
 * The provider's short-lived state: authorization codes (in the data grid when there is one).
 * Purged every minute; expired access-token revocations are dropped on the same timer.
 */
@Startup
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class OidcComponents {
  @Inject SecureRandom random;
  @Inject RefreshTokens refreshTokens;
  @Inject Clock clock;
  @Inject DataGrid grid;

  private AuthorizationCodes codes;

  @PostConstruct
  void start() {
    codes =
        grid.grid()
            .map(g -> new AuthorizationCodes(random, clock, g))
            .orElseGet(() -> new AuthorizationCodes(random, clock));
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
