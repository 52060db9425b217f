package org.cmsbroker.testing;

import jakarta.persistence.EntityManager;
import java.lang.reflect.Field;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.PasswordPolicy;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.crypto.Argon2idParameters;
import org.cmsbroker.crypto.Argon2idPasswordHasher;
import org.cmsbroker.crypto.FieldCipher;
import org.cmsbroker.crypto.MasterKey;
import org.cmsbroker.crypto.PasswordHasher;
import org.cmsbroker.crypto.TestCiphers;
import org.cmsbroker.login.InMemoryThrottleStore;
import org.cmsbroker.login.LoginComponents;
import org.cmsbroker.login.LoginService;
import org.cmsbroker.login.LoginThrottle;
import org.cmsbroker.oidc.BackChannelLogout;
import org.cmsbroker.oidc.RefreshTokens;
import org.cmsbroker.oidc.SessionEndings;
import org.cmsbroker.persistence.TestDatabase;
import org.cmsbroker.session.SessionEnded;
import org.cmsbroker.session.SessionService;

/**
 * The core's stateless services on a {@link TestDatabase}, wired as the container wires them, each
 * {@link #call} in its own transaction with its own entity manager (one container-managed call).
 * Security events are recorded in a list. For storage and concurrency tests on H2 and PostgreSQL.
 */
public final class Core implements AutoCloseable {
  public static final SecureRandom RANDOM = new SecureRandom();

  public final TestDatabase database;
  public final MasterKey masterKey = MasterKey.generate(RANDOM);
  public final FieldCipher cipher;
  public final PasswordHasher hasher =
      new Argon2idPasswordHasher(new Argon2idParameters(64, 1, 1), RANDOM);
  public final BrokerConfig config =
      new BrokerConfig(null, URI.create("https://broker.example.org"), 1 << 20, null);
  public final Events events = new Events();
  public final BackChannelCalls backChannel = new BackChannelCalls();

  /** The one clock every service of this core is given, as the container injects it. */
  public final Clock clock = Clock.systemUTC();

  public final LoginThrottle throttle = new LoginThrottle(new InMemoryThrottleStore(), clock);
  private final LoginComponents login =
      new LoginComponents() {
        @Override
        public LoginThrottle throttle() {
          return throttle;
        }
      };
  private final BrokerConfig plaintextConfig =
      new BrokerConfig(null, URI.create("https://broker.example.org"), 1 << 20, null) {
        @Override
        public boolean loginAllowPlaintext() {
          return true;
        }
      };

  public Core(TestDatabase.Kind kind) {
    database = new TestDatabase(kind);
    cipher = TestCiphers.on(database, masterKey, RANDOM);
  }

  /** The services of one call, sharing its entity manager. */
  public final class Services {
    public final EntityManager em;
    public final SessionService sessions = new SessionService();
    public final AccountService accounts = new AccountService();
    public final RefreshTokens refreshTokens = new RefreshTokens();
    public final LoginService logins = new LoginService();
    public final SessionEndings endings = new SessionEndings();

    Services(EntityManager em) {
      this.em = em;
      inject(sessions, "em", em);
      inject(sessions, "config", config);
      inject(sessions, "random", RANDOM);
      inject(sessions, "clock", clock);
      inject(sessions, "cipher", cipher);
      inject(endings, "refreshTokens", refreshTokens);
      inject(endings, "backChannel", backChannel);
      inject(sessions, "ended", new SyncEvent<SessionEnded>(endings::onSessionEnded));
      inject(logins, "login", login);
      inject(logins, "accounts", accounts);
      inject(logins, "sessions", sessions);
      inject(logins, "events", events);
      inject(logins, "config", plaintextConfig);
      inject(logins, "clock", clock);
      inject(accounts, "em", em);
      inject(accounts, "cipher", cipher);
      inject(accounts, "hasher", hasher);
      inject(accounts, "policy", PasswordPolicy.defaults());
      inject(accounts, "events", events);
      inject(accounts, "clock", clock);
      inject(refreshTokens, "em", em);
      inject(refreshTokens, "sessions", sessions);
      inject(refreshTokens, "events", events);
      inject(refreshTokens, "random", RANDOM);
      inject(refreshTokens, "clock", clock);
    }
  }

  /** Runs {@code work} as one container-managed call: its own transaction, committed on return. */
  public <T> T call(Function<Services, T> work) {
    return database.inTransaction(em -> work.apply(new Services(em)));
  }

  /**
   * Runs {@code work} on {@code n} threads released at once; returns each thread's result, or the
   * exception it threw, in thread order.
   */
  public static List<Object> concurrently(int n, Callable<?> work) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return work.call();
                }));
      }
      ready.await();
      go.countDown();
      List<Object> results = new ArrayList<>();
      for (Future<?> f : futures) {
        try {
          results.add(f.get(60, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          results.add(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
          results.add(e);
        }
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Sets a container-injected field (package-private in production code) for a test. */
  public static void inject(Object bean, String field, Object value) {
    for (Class<?> c = bean.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(field);
        f.setAccessible(true);
        f.set(bean, value);
        return;
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalArgumentException(bean.getClass() + " has no field " + field);
  }

  @Override
  public void close() {
    database.close();
  }

  /** Security events as "type outcome detail", in a thread-safe list. */
  public static final class Events extends SecurityEvents {
    public final List<String> recorded = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void record(
        String type,
        Outcome outcome,
        String subjectId,
        String clientId,
        String remoteIp,
        String detail) {
      recorded.add(type + " " + outcome.name().toLowerCase(java.util.Locale.ROOT) + " " + detail);
    }

    @Override
    public void record(
        String type, Outcome outcome, String subjectId, String remoteIp, String detail) {
      record(type, outcome, subjectId, null, remoteIp, detail);
    }

    public long count(String prefix) {
      synchronized (recorded) {
        return recorded.stream().filter(e -> e.startsWith(prefix)).count();
      }
    }
  }

  /** A CDI event delivered at once to one observer, as the container does for a synchronous one. */
  public static final class SyncEvent<T> implements jakarta.enterprise.event.Event<T> {
    private final java.util.function.Consumer<T> observer;

    public SyncEvent(java.util.function.Consumer<T> observer) {
      this.observer = observer;
    }

    @Override
    public void fire(T event) {
      observer.accept(event);
    }

    @Override
    public <U extends T> java.util.concurrent.CompletionStage<U> fireAsync(U event) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <U extends T> java.util.concurrent.CompletionStage<U> fireAsync(
        U event, jakarta.enterprise.event.NotificationOptions options) {
      throw new UnsupportedOperationException();
    }

    @Override
    public jakarta.enterprise.event.Event<T> select(java.lang.annotation.Annotation... qualifiers) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <U extends T> jakarta.enterprise.event.Event<U> select(
        Class<U> subtype, java.lang.annotation.Annotation... qualifiers) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <U extends T> jakarta.enterprise.event.Event<U> select(
        jakarta.enterprise.util.TypeLiteral<U> subtype,
        java.lang.annotation.Annotation... qualifiers) {
      throw new UnsupportedOperationException();
    }
  }

  /** Back-channel logouts, recorded instead of sent: "sessionIdHash accountId". */
  public static final class BackChannelCalls extends BackChannelLogout {
    public final List<String> ended = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void sessionEnded(String sessionIdHash, String accountId) {
      ended.add(sessionIdHash + " " + accountId);
    }
  }
}
