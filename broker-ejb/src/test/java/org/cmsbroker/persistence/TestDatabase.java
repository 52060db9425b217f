package org.cmsbroker.persistence;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * An in-memory H2 database (or a fresh PostgreSQL schema, {@link #postgres()}) with the real
 * migrations, and the broker's persistence unit on it with resource-local transactions
 * (EclipseLink, as in Payara), for tests of stores and services that need a real database: each
 * {@link #inTransaction} call runs as one container-managed call would.
 */
public final class TestDatabase implements AutoCloseable {
  /** The test PostgreSQL server (trust authentication), where {@link #postgres()} makes schemas. */
  public static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";

  private final DriverDataSource dataSource = new DriverDataSource();
  private final EntityManagerFactory factory;
  private final String name;
  private final String postgresSchema;

  /** A fresh in-memory H2 database (the broker's default). */
  public TestDatabase() {
    this("H2", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "broker", null);
  }

  /** A fresh schema in the test PostgreSQL, dropped at {@link #close()}. */
  public static TestDatabase postgres() {
    String schema = "ut_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("the test PostgreSQL (" + POSTGRES + ") is not there", e);
    }
    return new TestDatabase(
        "PostgreSQL", POSTGRES + "?currentSchema=" + schema, "postgres", schema);
  }

  /** Both databases the broker supports, as JUnit arguments: H2 first. */
  public static java.util.stream.Stream<String> names() {
    return java.util.stream.Stream.of("H2", "PostgreSQL");
  }

  /** A fresh database named by {@link #names()}. */
  public static TestDatabase named(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "h2" -> new TestDatabase();
      case "postgresql" -> postgres();
      default -> throw new IllegalArgumentException(name);
    };
  }

  private TestDatabase(String name, String url, String user, String postgresSchema) {
    this.name = name;
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
                "jakarta.persistence.jdbc.driver",
                    postgresSchema == null ? "org.h2.Driver" : "org.postgresql.Driver",
                "jakarta.persistence.jdbc.url", url,
                "jakarta.persistence.jdbc.user", user,
                "jakarta.persistence.jdbc.password", "",
                "eclipselink.cache.shared.default", "false"));
  }

  @Override
  public String toString() {
    return name;
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
      try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + postgresSchema + " CASCADE");
      } catch (SQLException e) {
        throw new IllegalStateException("could not drop " + postgresSchema, e);
      }
    }
  }
}
