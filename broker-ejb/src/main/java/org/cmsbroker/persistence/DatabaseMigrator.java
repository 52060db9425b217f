package org.cmsbroker.persistence;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.cmsbroker.lifecycle.SchemaReady;
import org.cmsbroker.lifecycle.StartupState;
import org.cmsbroker.lifecycle.StartupState.Part;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the schema up to date with Flyway when the application starts, before anything else uses
 * the database. The same migrations run on H2 and PostgreSQL. Readiness ({@link StartupState})
 * stays DOWN until this has succeeded; a failed attempt (a database not yet reachable, say) is
 * retried every {@link #RETRY_INTERVAL} instead of leaving the instance unready for good, and the
 * parts that wait for the schema hear of the late success through {@link SchemaReady}.
 */
@DataSourceDefinition(
    name = DatabaseMigrator.DATA_SOURCE,
    className = "org.cmsbroker.persistence.DriverDataSource",
    minPoolSize = 1,
    maxPoolSize = 32,
    transactional = true)
@Startup
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class DatabaseMigrator {
  /** JNDI name of the broker's data source. */
  public static final String DATA_SOURCE = "java:app/jdbc/broker";

  /** How long after a failed migration the next attempt starts. */
  public static final Duration RETRY_INTERVAL = Duration.ofSeconds(15);

  private static final Logger LOG = Logger.getLogger(DatabaseMigrator.class.getName());

  @Resource(lookup = DATA_SOURCE)
  private DataSource dataSource;

  @Resource private TimerService timers;

  @Inject StartupState state;
  @Inject Event<SchemaReady> schemaReady;

  private volatile String lastFailure;

  @PostConstruct
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void migrate() {
    if (!attempt()) {
      retryLater();
    }
  }

  @Timeout
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  void retry(Timer timer) {
    if (attempt()) {
      schemaReady.fire(new SchemaReady(state.status(Part.DATABASE).detail()));
    } else {
      retryLater();
    }
  }

  private void retryLater() {
    timers.createSingleActionTimer(
        RETRY_INTERVAL.toMillis(), new TimerConfig("schema-migration-retry", false));
  }

  /** One migration attempt; reports to {@link StartupState} and logs each distinct failure once. */
  private boolean attempt() {
    try {
      MigrateResult result = migrateSchema(dataSource, DatabaseMigrator.class.getClassLoader());
      String version =
          result.targetSchemaVersion != null ? result.targetSchemaVersion : currentVersion(result);
      state.ready(Part.DATABASE, version);
      LOG.info(
          () ->
              "Database schema at version "
                  + version
                  + " ("
                  + result.migrationsExecuted
                  + " migrations applied now)");
      return true;
    } catch (RuntimeException e) {
      // The message of a Flyway or JDBC failure names the migration or the cause, never
      // connection secrets (the data source's password is not part of any message).
      String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
      state.failed(Part.DATABASE, e.getClass().getSimpleName());
      if (!reason.equals(lastFailure)) {
        lastFailure = reason;
        LOG.log(
            Level.SEVERE,
            "Database migration failed (retrying every "
                + RETRY_INTERVAL.toSeconds()
                + " s): "
                + reason);
      } else {
        LOG.fine(() -> "Database migration failed again: " + reason);
      }
      return false;
    }
  }

  private static String currentVersion(MigrateResult result) {
    return result.initialSchemaVersion != null ? result.initialSchemaVersion : "current";
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
}
