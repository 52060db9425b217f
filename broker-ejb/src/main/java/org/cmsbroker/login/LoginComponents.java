package org.cmsbroker.login;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.crypto.MasterKey;
import org.cmsbroker.crypto.RsaOaepKeyGenerator;
import org.cmsbroker.grid.DataGrid;
import org.cmsbroker.grid.Grid;
import org.cmsbroker.lifecycle.SchemaReady;
import org.cmsbroker.lifecycle.StartupState;
import org.cmsbroker.lifecycle.StartupState.Part;

/**
 * The login machinery of this instance: the login key ring (keys in the database, rotated on
 * schedule), single-use challenges (stateless until used; only used ones are remembered, capped),
 * the JWE decryptor and the brute-force throttle. Used challenges and throttle histories live in
 * the data grid when there is one (several instances), else in this JVM. Made once at start-up
 * after the schema is migrated; maintenance runs every ten minutes. Bean-managed concurrency: the
 * parts are thread-safe themselves.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigrator")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class LoginComponents {
  private static final Logger LOG = Logger.getLogger(LoginComponents.class.getName());

  @Inject BrokerConfig config;
  @Inject JpaLoginKeyStore keyStore;
  @Inject MasterKey masterKey;
  @Inject SecurityEvents events;
  @Inject StartupState state;
  @Inject DataGrid dataGrid;

  /** How long login keys are kept in memory before they are read again. */
  private static final Duration KEY_CACHE_AGE = Duration.ofSeconds(30);

  /** The grid signal sent when this instance changed the login keys. */
  private static final String KEYS_CHANGED = "login-keys-changed";

  @Inject Clock clock;
  private LoginKeyRing ring;
  private LoginChallenges challenges;
  private JweLoginDecryptor decryptor;
  private LoginThrottle throttle;
  private byte[] bindingKey;
  private volatile boolean ready;

  @PostConstruct
  void start() {
    Optional<Grid> shared = dataGrid.grid();
    CachingLoginKeyStore keys =
        shared
            .map(
                g ->
                    new CachingLoginKeyStore(
                        keyStore, KEY_CACHE_AGE, clock, () -> g.publish(KEYS_CHANGED)))
            .orElseGet(() -> new CachingLoginKeyStore(keyStore, KEY_CACHE_AGE, clock));
    // Another instance made or deleted a key: read them again at the next login.
    shared.ifPresent(g -> g.subscribe(KEYS_CHANGED, keys::invalidate));
    ring =
        new LoginKeyRing(
            keys,
            new RsaOaepKeyGenerator(),
            config.loginKeyRotation(),
            LoginKeyRing.DEFAULT_GRACE_PERIOD,
            clock);
    challenges =
        new LoginChallenges(
            shared
                .<ChallengeStore>map(GridChallengeStore::new)
                .orElseGet(InMemoryChallengeStore::new),
            LoginChallenges.DEFAULT_TIME_TO_LIVE,
            clock,
            new java.security.SecureRandom(),
            masterKey.derive("login-challenge-mac/v2"));
    decryptor = new JweLoginDecryptor(ring, challenges);
    throttle =
        new LoginThrottle(
            shared
                .<ThrottleStore>map(
                    g ->
                        new GridThrottleStore(
                            g, LoginThrottle.DEFAULT_WINDOW.plus(LoginThrottle.STALE_RESERVATION)))
                .orElseGet(InMemoryThrottleStore::new),
            LoginThrottle.DEFAULT_BASE_DELAY,
            LoginThrottle.DEFAULT_MAX_DELAY,
            LoginThrottle.DEFAULT_WINDOW,
            LoginThrottle.DEFAULT_MAX_FAILURES_PER_ACCOUNT,
            LoginThrottle.DEFAULT_FREE_FAILURES_PER_ADDRESS,
            clock);
    bindingKey = masterKey.derive("login-challenge-binding/v1");
    load();
  }

  /** Retries a load that failed because the schema was not there yet. */
  public void onSchemaReady(@Observes SchemaReady schema) {
    if (!ready) {
      load();
    }
  }

  private void load() {
    try {
      LoginKey current = ring.rotateIfDue();
      ready = true;
      state.ready(Part.LOGIN_KEYS, current.keyId());
      LOG.info(() -> "Login key " + current.keyId() + " is current");
    } catch (RuntimeException e) {
      state.failed(Part.LOGIN_KEYS, e.getClass().getSimpleName());
      LOG.severe("Login keys could not be loaded or made: " + e.getMessage());
    }
  }

  @Schedule(hour = "*", minute = "*/10", persistent = false)
  void maintain() {
    if (!ready) {
      load();
      return;
    }
    String before = ring.current().keyId();
    LoginKey current = ring.rotateIfDue();
    if (!current.keyId().equals(before)) {
      events.record("login_key.rotated", Outcome.SUCCESS, null, null, "kid=" + current.keyId());
    }
    challenges.purgeExpired();
    throttle.purgeIdle();
  }

  public LoginKeyRing keyRing() {
    return ring;
  }

  public LoginChallenges challenges() {
    return challenges;
  }

  public JweLoginDecryptor decryptor() {
    return decryptor;
  }

  public LoginThrottle throttle() {
    return throttle;
  }

  /**
   * The value of the browser cookie that binds a challenge to the browser it was issued to: an HMAC
   * of the challenge under a key derived from the master key.
   */
  public String bindingFor(String challenge) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(bindingKey, "HmacSHA256"));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(challenge.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** Whether {@code cookie} is the binding of {@code challenge}, compared in constant time. */
  public boolean isBound(String challenge, String cookie) {
    return cookie != null
        && MessageDigest.isEqual(
            bindingFor(challenge).getBytes(StandardCharsets.US_ASCII),
            cookie.getBytes(StandardCharsets.US_ASCII));
  }
}
