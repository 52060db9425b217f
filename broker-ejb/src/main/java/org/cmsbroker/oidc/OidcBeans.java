package org.cmsbroker.oidc;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Clock;

/** The provider's injectable short-lived state stores. */
@ApplicationScoped
public class OidcBeans {
  /** At most this many authorizations wait for a login on one instance. */
  public static final int PENDING_AUTHORIZATION_CAPACITY = 10_000;

  @Inject Clock clock;

  @Produces
  @ApplicationScoped
  public PendingAuthorizationStore pendingAuthorizations() {
    return new InMemoryPendingAuthorizationStore(PENDING_AUTHORIZATION_CAPACITY, clock);
  }
}
