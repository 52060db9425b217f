package org.cmsbroker.login;

import com.nimbusds.jose.jwk.RSAKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.cmsbroker.crypto.RsaOaepKeyGenerator;

/**
 * The login keys: which one the login page encrypts to ({@link #current()}), which ones the broker
 * still decrypts with ({@link #findAccepted(String)}), and their rotation.
 *
 * <p>Keys are made ahead of time, never per request: call {@link #rotateIfDue()} at start-up and
 * from a timer (every few minutes is plenty); it makes a new key once the newest is older than the
 * rotation period. A superseded key stays accepted for the grace period after its successor was
 * made, so a login page loaded just before a rotation still works; then it is deleted.
 *
 * <p>Thread-safe within one instance. Across a cluster two instances may rotate at the same moment;
 * then both new keys are accepted and the newer one is current, which is harmless.
 */
public final class LoginKeyRing {

  public static final Duration DEFAULT_ROTATION_PERIOD = Duration.ofDays(1);
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofHours(1);

  private static final Comparator<LoginKey> NEWEST_FIRST =
      Comparator.comparing(LoginKey::createdAt).thenComparing(LoginKey::keyId).reversed();

  private final LoginKeyStore store;
  private final RsaOaepKeyGenerator generator;
  private final Duration rotationPeriod;
  private final Duration gracePeriod;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /**
   * @throws IllegalArgumentException if a period is not positive
   */
  public LoginKeyRing(
      LoginKeyStore store,
      RsaOaepKeyGenerator generator,
      Duration rotationPeriod,
      Duration gracePeriod,
      Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.generator = Objects.requireNonNull(generator, "generator");
    this.rotationPeriod = Objects.requireNonNull(rotationPeriod, "rotationPeriod");
    this.gracePeriod = Objects.requireNonNull(gracePeriod, "gracePeriod");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (rotationPeriod.isNegative() || rotationPeriod.isZero()) {
      throw new IllegalArgumentException("Login key rotation period must be positive");
    }
    if (gracePeriod.isNegative() || gracePeriod.isZero()) {
      throw new IllegalArgumentException("Login key grace period must be positive");
    }
  }

  /** Daily rotation with one hour of grace. */
  public LoginKeyRing(LoginKeyStore store, RsaOaepKeyGenerator generator, Clock clock) {
    this(store, generator, DEFAULT_ROTATION_PERIOD, DEFAULT_GRACE_PERIOD, clock);
  }

  /**
   * Makes a new key if there is none or the newest is older than the rotation period, and deletes
   * keys past their grace period.
   *
   * @return the current key
   */
  public synchronized LoginKey rotateIfDue() {
    Instant now = clock.instant();
    Optional<LoginKey> newest = newest(store.findAll());
    if (newest.isEmpty() || !newest.get().createdAt().plus(rotationPeriod).isAfter(now)) {
      return rotate();
    }
    purge(now);
    return newest.get();
  }

  /**
   * Makes a new current key now, whatever the schedule (for example after a suspected compromise;
   * then also {@link LoginKeyStore#remove} the old one), and deletes keys past their grace period.
   */
  public synchronized LoginKey rotate() {
    Instant now = clock.instant();
    String keyId = newKeyId();
    LoginKey key = new LoginKey(generator.generate(keyId, now), now);
    store.add(key);
    purge(now);
    return key;
  }

  /**
   * The key the login page encrypts to.
   *
   * @throws IllegalStateException if no key was ever made ({@link #rotateIfDue()} was not called at
   *     start-up)
   */
  public LoginKey current() {
    return newest(store.findAll())
        .orElseThrow(
            () -> new IllegalStateException("No login key: call rotateIfDue() at start-up"));
  }

  /**
   * The public JWK of {@link #current()}: {@code kid}, {@code use=enc}, {@code alg=RSA-OAEP-256}.
   */
  public RSAKey currentPublicJwk() {
    return current().publicJwk();
  }

  /** The key named {@code keyId} if it is current or within its grace period. */
  public Optional<LoginKey> findAccepted(String keyId) {
    if (keyId == null) {
      return Optional.empty();
    }
    Optional<Optional<LoginKey>> found = find(keyId);
    if (found.isEmpty() && store.reload()) {
      // Made on another instance since this one last read the keys.
      found = find(keyId);
    }
    return found.flatMap(k -> k);
  }

  /** Empty if no key has this id; else the key if accepted, or empty if past its grace. */
  private Optional<Optional<LoginKey>> find(String keyId) {
    Instant now = clock.instant();
    List<LoginKey> keys = store.findAll().stream().sorted(NEWEST_FIRST).toList();
    for (int i = 0; i < keys.size(); i++) {
      LoginKey key = keys.get(i);
      if (key.keyId().equals(keyId)) {
        return Optional.of(accepted(keys, i, now) ? Optional.of(key) : Optional.empty());
      }
    }
    return Optional.empty();
  }

  /** Key {@code i} of {@code newestFirst} is accepted while its successor is younger than grace. */
  private boolean accepted(List<LoginKey> newestFirst, int i, Instant now) {
    return i == 0 || newestFirst.get(i - 1).createdAt().plus(gracePeriod).isAfter(now);
  }

  private void purge(Instant now) {
    List<LoginKey> keys = store.findAll().stream().sorted(NEWEST_FIRST).toList();
    for (int i = 0; i < keys.size(); i++) {
      if (!accepted(keys, i, now)) {
        store.remove(keys.get(i).keyId());
      }
    }
  }

  private static Optional<LoginKey> newest(List<LoginKey> keys) {
    return keys.stream().min(NEWEST_FIRST);
  }

  private String newKeyId() {
    byte[] id = new byte[12];
    random.nextBytes(id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
  }
}
