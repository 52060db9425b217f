package org.cmsbroker.persistence;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the schema up to date with Flyway when the application starts, before anything else uses
 * the database. The same migrations run on H2 and PostgreSQL. Readiness stays DOWN until this has
 * succeeded.
 */
@DataSourceDefinition(
    name = DatabaseMigrator.DATA_SOURCE,
    className = "org.cmsbroker.persistence.DriverDataSource",
    minPoolSize = 1,
    maxPoolSize = 32,
    transactional = true)
@Startup
@Singleton
public class DatabaseMigrator {
  /** JNDI name of the broker's data source. */
  public static final String DATA_SOURCE = "java:app/jdbc/broker";

  private static final Logger LOG = Logger.getLogger(DatabaseMigrator.class.getName());

  @Resource(lookup = DATA_SOURCE)
  private DataSource dataSource;

  private volatile boolean migrated;
  private volatile String schemaVersion = "none";

  @PostConstruct
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void migrate() {
    try {
      MigrateResult result = migrateSchema(dataSource, DatabaseMigrator.class.getClassLoader());
      schemaVersion = result.targetSchemaVersion != null ? result.targetSchemaVersion : "current";
      migrated = true;
      LOG.info(
          () ->
              "Database schema at version "
                  + schemaVersion
                  + " ("
                  + result.migrationsExecuted
                  + " migrations applied now)");
    } catch (FlywayException e) {
      // The message of a Flyway failure names the migration, never connection secrets.
      LOG.log(Level.SEVERE, "Database migration failed: " + e.getMessage());
    }
  }

  /**
   * Runs the broker's migrations against a data source. Public so that tests and tools run exactly
   * what the server runs.
   */
  public static MigrateResult migrateSchema(DataSource dataSource, ClassLoader classLoader) {
    return Flyway.configure(classLoader)
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .failOnMissingLocations(true)
        .load()
        .migrate();
  }

  /** Whether the schema is up to date. */
  public boolean isMigrated() {
    return migrated;
  }

  /** The schema version after migration, or {@code none}. */
  public String schemaVersion() {
    return schemaVersion;
  }
}
