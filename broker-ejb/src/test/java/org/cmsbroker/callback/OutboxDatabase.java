package org.cmsbroker.callback;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.cmsbroker.crypto.FieldCipher;
import org.cmsbroker.crypto.TestCiphers;
import org.cmsbroker.persistence.TestDatabase;

/**
 * An in-memory H2 database with the real migrations, and the broker's persistence unit on it with
 * resource-local transactions (EclipseLink, as in Payara): outboxes run here as the container would
 * run them, one transaction per call.
 */
final class OutboxDatabase implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  final FieldCipher cipher = TestCiphers.fresh(RANDOM);
  private final TestDatabase database;

  /** In-memory H2, the broker's default. */
  OutboxDatabase() {
    this(TestDatabase.Kind.H2);
  }

  OutboxDatabase(TestDatabase.Kind kind) {
    database = new TestDatabase(kind);
  }

  /** An outbox as one container-managed bean instance, with this clock and jitter. */
  Outbox outbox(Clock clock, RandomGenerator jitter) {
    return new Outbox(clock, jitter);
  }

  /** The stored security events of {@code type}, oldest first ({@code TestSecurityEvents#row}). */
  java.util.List<String> auditRows(String type) {
    return database.inTransaction(em -> org.cmsbroker.audit.TestSecurityEvents.rows(em, type));
  }

  Connection connection() throws SQLException {
    return database.dataSource().getConnection();
  }

  @Override
  public void close() {
    database.close();
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
      return database.inTransaction(
          em -> {
            CallbackOutbox outbox = new CallbackOutbox();
            outbox.em = em;
            outbox.cipher = cipher;
            outbox.random = RANDOM;
            outbox.clock = clock;
            outbox.jitter = jitter;
            outbox.events = org.cmsbroker.audit.TestSecurityEvents.on(em);
            return work.apply(outbox);
          });
    }
  }
}
