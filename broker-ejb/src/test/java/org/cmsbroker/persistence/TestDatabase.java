package org.cmsbroker.persistence;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * An in-memory H2 database with the real migrations, and the broker's persistence unit on it with
 * resource-local transactions (EclipseLink, as in Payara), for tests of stores and services that
 * need a real database: each {@link #inTransaction} call runs as one container-managed call would.
 */
public final class TestDatabase implements AutoCloseable {
  private final DriverDataSource dataSource = new DriverDataSource();
  private final EntityManagerFactory factory;

  /** The test PostgreSQL server (127.0.0.1:5432, trust authentication, database test). */
  public static final String POSTGRES_SERVER = "jdbc:postgresql://127.0.0.1:5432/test";

  private final String postgresSchema;

  /** A fresh in-memory H2 database, the broker's default. */
  public TestDatabase() {
    this(
        "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "org.h2.Driver", "broker", null);
  }

  /** A fresh schema in the test PostgreSQL, dropped at {@link #close()}. */
  public static TestDatabase postgres() {
    String schema = "ut_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(POSTGRES_SERVER, "postgres", "");
        java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("the test PostgreSQL is not reachable", e);
    }
    return new TestDatabase(
        POSTGRES_SERVER + "?currentSchema=" + schema, "org.postgresql.Driver", "postgres", schema);
  }

  /** {@link #TestDatabase()} or {@link #postgres()}, by name: {@code h2} or {@code postgresql}. */
  public static TestDatabase named(String name) {
    return switch (name) {
      case "h2" -> new TestDatabase();
      case "postgresql" -> postgres();
      default -> throw new IllegalArgumentException(name);
    };
  }

  private TestDatabase(String url, String driver, String user, String postgresSchema) {
    this.postgresSchema = postgresSchema;
    dataSource.setUrl(url);
    dataSource.setUser(user);
    DatabaseMigrator.migrateSchema(dataSource, DatabaseMigrator.class.getClassLoader());
    factory =
        Persistence.createEntityManagerFactory(
            "broker",
            Map.of(
                "jakarta.persistence.transactionType", "RESOURCE_LOCAL",
                "jakarta.persistence.jtaDataSource", "",
                "jakarta.persistence.jdbc.driver", driver,
                "jakarta.persistence.jdbc.url", url,
                "jakarta.persistence.jdbc.user", user,
                "jakarta.persistence.jdbc.password", "",
                "eclipselink.cache.shared.default", "false"));
  }

  /** The database itself, for direct JDBC checks. */
  public DriverDataSource dataSource() {
    return dataSource;
  }

  /**
   * Runs {@code work} with a fresh entity manager in its own transaction: committed when it
   * returns, rolled back when it throws.
   */
  public <T> T inTransaction(Function<EntityManager, T> work) {
    EntityManager em = factory.createEntityManager();
    try {
      em.getTransaction().begin();
      T result = work.apply(em);
      em.getTransaction().commit();
      return result;
    } finally {
      if (em.getTransaction().isActive()) {
        em.getTransaction().rollback();
      }
      em.close();
    }
  }

  @Override
  public void close() {
    factory.close();
    if (postgresSchema != null) {
      try (java.sql.Connection c =
              java.sql.DriverManager.getConnection(POSTGRES_SERVER, "postgres", "");
          java.sql.Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + postgresSchema + " CASCADE");
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("cannot drop the test schema " + postgresSchema, e);
      }
    }
  }
}
