package org.cmsbroker.it.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The brokers of a test class whose tests run once per database: one broker on the default embedded
 * H2 and one on a fresh PostgreSQL schema, each started when a test first needs it and kept for the
 * rest of the class; {@link #close()} stops them all. Use {@link #databases()} as the
 * {@code @MethodSource} of the parameterised tests.
 *
 * @param <T> what a test gets for a database: the {@link Db} itself, or a class's own record built
 *     from it once (a client and its token, say)
 */
public final class DatabaseBrokers<T> implements AutoCloseable {
  public static final String H2 = "H2";
  public static final String POSTGRESQL = "PostgreSQL";

  /** The settings every broker of the class gets, besides its database. */
  @FunctionalInterface
  public interface Settings {
    PaymentsBroker.Builder apply(PaymentsBroker.Builder builder) throws Exception;
  }

  /** What the class makes of a broker once it is ready. */
  @FunctionalInterface
  public interface Ready<T> {
    T apply(Db db) throws Exception;
  }

  /** One broker on one database, and its PostgreSQL schema (null on H2). */
  public record Db(String name, PaymentsBroker broker, PostgresSchema schema) {
    /**
     * {@code "-h2"} or {@code "-postgresql"}: appended to client ids, paths and references so that
     * what the two databases' runs share (a fake Stripe, a fake CRM) keeps them apart.
     */
    public String suffix() {
      return "-" + name.toLowerCase(Locale.ROOT);
    }

    /** Whether the test can read the database directly (PostgreSQL; H2's file is the broker's). */
    public boolean readable() {
      return schema != null;
    }
  }

  private final String name;
  private final Settings settings;
  private final Ready<T> ready;
  private final Map<String, Db> started = new LinkedHashMap<>();
  private final Map<String, T> prepared = new LinkedHashMap<>();

  private DatabaseBrokers(String name, Settings settings, Ready<T> ready) {
    this.name = name;
    this.settings = settings;
    this.ready = ready;
  }

  /** Brokers named {@code name-h2}, {@code name-postgresql}, each with {@code settings}. */
  public static DatabaseBrokers<Db> of(String name, Settings settings) {
    return new DatabaseBrokers<>(name, settings, db -> db);
  }

  /**
   * As {@link #of(String, Settings)}; each ready broker is turned once into what {@code ready}
   * makes.
   */
  public static <T> DatabaseBrokers<T> of(String name, Settings settings, Ready<T> ready) {
    return new DatabaseBrokers<>(name, settings, ready);
  }

  /** The databases every storage test runs on: H2 (the default) and PostgreSQL. */
  public static Stream<String> databases() {
    return Stream.of(H2, POSTGRESQL);
  }

  /** The broker (and what the class made of it) on {@code database}, started if need be. */
  public synchronized T on(String database) throws Exception {
    T done = prepared.get(database);
    if (done != null) {
      return done;
    }
    if (!database.equals(H2) && !database.equals(POSTGRESQL)) {
      throw new IllegalArgumentException("no such database: " + database);
    }
    Db db = started.get(database);
    if (db == null) {
      PostgresSchema schema = database.equals(POSTGRESQL) ? new PostgresSchema() : null;
      PaymentsBroker broker = null;
      try {
        PaymentsBroker.Builder builder =
            settings.apply(PaymentsBroker.builder(name + "-" + database.toLowerCase(Locale.ROOT)));
        if (schema != null) {
          builder.database(schema);
        }
        broker = builder.start();
        db = new Db(database, broker, schema);
        started.put(database, db);
      } catch (Exception | Error e) {
        PaymentsBroker.stopAll(broker, schema);
        throw e;
      }
      broker.awaitReady();
    }
    T made = ready.apply(db);
    prepared.put(database, made);
    return made;
  }

  /** Stops every broker started, then drops the PostgreSQL schemas. */
  @Override
  public synchronized void close() throws Exception {
    List<Object> all = new ArrayList<>();
    for (Db db : started.values()) {
      all.add(db.broker());
    }
    for (Db db : started.values()) {
      all.add(db.schema());
    }
    started.clear();
    prepared.clear();
    PaymentsBroker.stopAll(all.toArray());
  }
}
