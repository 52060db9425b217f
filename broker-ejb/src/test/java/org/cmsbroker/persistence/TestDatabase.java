package org.cmsbroker.persistence;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A database with the real migrations, and the broker's persistence unit on it with resource-local
 * transactions (EclipseLink, as in Payara), for tests of stores and services that need a real
 * database: each {@link #inTransaction} call runs as one container-managed call would. H2 in memory
 * by default (what the README starts with); {@link Kind#POSTGRESQL} is a fresh schema in the test
 * PostgreSQL on 127.0.0.1:5432 (database {@code test}, user {@code postgres}), dropped at close.
 * Storage tests take a {@link Kind} parameter ({@code @EnumSource(TestDatabase.Kind.class)}) or a
 * name from {@link #names()}.
 */
public final class TestDatabase implements AutoCloseable {
  /** Which database. */
  public enum Kind {
    H2,
    POSTGRESQL
  }

  /** The test PostgreSQL server (trust authentication), where PostgreSQL schemas are made. */
  public static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";

  private static final String POSTGRES_USER = "postgres";

  private final DriverDataSource dataSource = new DriverDataSource();
  private final EntityManagerFactory factory;
  private final Kind kind;
  private final String schema;
  private final String url;
  private final String user;

  /** A fresh in-memory H2 database, the broker's default. */
  public TestDatabase() {
    this(Kind.H2);
  }

  /** A fresh database of {@code kind}. */
  public TestDatabase(Kind kind) {
    this(kind, true);
  }

  /** A fresh database of {@code kind} without any table (no migration run), as a restore needs. */
  public static TestDatabase empty(Kind kind) {
    return new TestDatabase(kind, false);
  }

  private TestDatabase(Kind kind, boolean migrate) {
    this.kind = kind;
    String driver;
    if (kind == Kind.POSTGRESQL) {
      schema = "ut_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      postgres("CREATE SCHEMA " + schema);
      url = POSTGRES + "?currentSchema=" + schema;
      user = POSTGRES_USER;
      driver = "org.postgresql.Driver";
    } else {
      schema = null;
      url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
      user = "broker";
      driver = "org.h2.Driver";
    }
    dataSource.setUrl(url);
    dataSource.setUser(user);
    if (migrate) {
      DatabaseMigrator.migrateSchema(dataSource, DatabaseMigrator.class.getClassLoader());
    }
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

  /** A fresh schema in the test PostgreSQL, dropped at {@link #close()}. */
  public static TestDatabase postgres() {
    return new TestDatabase(Kind.POSTGRESQL);
  }

  /** Both databases the broker supports, as JUnit arguments: H2 first. */
  public static Stream<String> names() {
    return Stream.of("H2", "PostgreSQL");
  }

  /** A fresh database named as in {@link #names()} (any case). */
  public static TestDatabase named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "h2" -> new TestDatabase();
      case "postgresql" -> postgres();
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** Which database this is. */
  public Kind kind() {
    return kind;
  }

  @Override
  public String toString() {
    return kind == Kind.H2 ? "H2" : "PostgreSQL";
  }

  private static void postgres(String sql) {
    try (Connection c = DriverManager.getConnection(POSTGRES, POSTGRES_USER, "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("The test PostgreSQL on 127.0.0.1:5432 is not usable", e);
    }
  }

  /** Its JDBC URL (no password: H2 in memory and the test PostgreSQL need none). */
  public String url() {
    return url;
  }

  /** Its database user. */
  public String user() {
    return user;
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
    if (schema != null) {
      postgres("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
