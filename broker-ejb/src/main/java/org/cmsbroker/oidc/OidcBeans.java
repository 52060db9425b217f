package org.cmsbroker.oidc;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Clock;
import org.cmsbroker.grid.DataGrid;

/**
 * The provider's injectable short-lived state stores: in the data grid when there is one, else in
 * this JVM's memory.
 */
@ApplicationScoped
public class OidcBeans {
  /** At most this many authorizations wait for a login on one instance. */
  public static final int PENDING_AUTHORIZATION_CAPACITY = 10_000;

  @Inject Clock clock;
  @Inject DataGrid grid;

  @Produces
  @ApplicationScoped
  public PendingAuthorizationStore pendingAuthorizations() {
    return grid.grid()
        .<PendingAuthorizationStore>map(g -> new GridPendingAuthorizationStore(g, clock))
        .orElseGet(
            () -> new InMemoryPendingAuthorizationStore(PENDING_AUTHORIZATION_CAPACITY, clock));
  }
}
