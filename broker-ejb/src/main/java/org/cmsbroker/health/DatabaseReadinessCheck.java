package org.cmsbroker.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.cmsbroker.persistence.DatabaseMigrator;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the database schema has been migrated. */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {

  @Inject DatabaseMigrator migrator;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("database")
        .status(migrator.isMigrated())
        .withData("schemaVersion", migrator.schemaVersion())
        .build();
  }
}
