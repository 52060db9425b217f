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

  public TestDatabase() {
    String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    dataSource.setUrl(url);
    dataSource.setUser("broker");
    DatabaseMigrator.migrateSchema(dataSource, DatabaseMigrator.class.getClassLoader());
    factory =
        Persistence.createEntityManagerFactory(
            "broker",
            Map.of(
                "jakarta.persistence.transactionType", "RESOURCE_LOCAL",
                "jakarta.persistence.jtaDataSource", "",
                "jakarta.persistence.jdbc.driver", "org.h2.Driver",
                "jakarta.persistence.jdbc.url", url,
                "jakarta.persistence.jdbc.user", "broker",
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
  }
}
