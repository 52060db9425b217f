package org.cmsbroker.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.cmsbroker.lifecycle.StartupState;
import org.cmsbroker.lifecycle.StartupState.Part;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once the database schema has been migrated. Reads {@link StartupState} alone, so a
 * probe during deployment never starts the migrator itself.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {

  @Inject StartupState state;

  @Override
  public HealthCheckResponse call() {
    StartupState.Status database = state.status(Part.DATABASE);
    return HealthCheckResponse.named("database")
        .status(database.ready())
        .withData("schemaVersion", database.ready() ? database.detail() : "none")
        .build();
  }
}
