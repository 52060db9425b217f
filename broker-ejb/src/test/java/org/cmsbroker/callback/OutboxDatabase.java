package org.cmsbroker.callback;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.cmsbroker.crypto.FieldCipher;
import org.cmsbroker.crypto.MasterKey;
import org.cmsbroker.persistence.DatabaseMigrator;
import org.cmsbroker.persistence.DriverDataSource;

/**
 * An in-memory H2 database with the real migrations, and the broker's persistence unit on it with
 * resource-local transactions (EclipseLink, as in Payara): outboxes run here as the container would
 * run them, one transaction per call.
 */
final class OutboxDatabase implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  final DriverDataSource dataSource = new DriverDataSource();
  final FieldCipher cipher = new FieldCipher(MasterKey.generate(RANDOM), RANDOM);
  private final EntityManagerFactory factory;

  OutboxDatabase() {
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

  /** An outbox as one container-managed bean instance, with this clock and jitter. */
  Outbox outbox(Clock clock, RandomGenerator jitter) {
    return new Outbox(clock, jitter);
  }

  Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  @Override
  public void close() {
    factory.close();
  }

  /** Runs each call in its own transaction and entity manager, like a @Stateless call. */
  final class Outbox {
    private final Clock clock;
    private final RandomGenerator jitter;

    private Outbox(Clock clock, RandomGenerator jitter) {
      this.clock = clock;
      this.jitter = jitter;
    }

    boolean check(Predicate<CallbackOutbox> work) {
      return call(work::test);
    }

    <T> T call(Function<CallbackOutbox, T> work) {
      EntityManager em = factory.createEntityManager();
      try {
        em.getTransaction().begin();
        CallbackOutbox outbox = new CallbackOutbox();
        outbox.em = em;
        outbox.cipher = cipher;
        outbox.random = RANDOM;
        outbox.clock = clock;
        outbox.jitter = jitter;
        T result = work.apply(outbox);
        em.getTransaction().commit();
        return result;
      } finally {
        if (em.getTransaction().isActive()) {
          em.getTransaction().rollback();
        }
        em.close();
      }
    }
  }
}
