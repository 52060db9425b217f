package org.cmsbroker.token;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The token signing keys: one current key per {@link SigningAlgorithm} to sign with ({@link
 * #current}), the keys still published for verification ({@link #findPublished}, {@link
 * #publicJwks()}), and their rotation.
 *
 * <p>Call {@link #rotateIfDue()} at start-up and from a timer: it makes a key for every algorithm
 * that has none or whose newest key is older than the rotation period. {@link #rotateNow} replaces
 * one algorithm's key at once. A replaced key is <em>retired</em>: it signs nothing more but stays
 * published for the retirement grace after its successor was made, so every token it signed has
 * expired by then (the grace is the longest token lifetime plus {@link #CLOCK_SKEW_ALLOWANCE}, see
 * {@link #retirementGraceFor}); then it is deleted.
 *
 * <p>Thread-safe within one instance. Across a cluster two instances may rotate at the same moment;
 * then both new keys are published and the newer one is current, which is harmless.
 */
public final class SigningKeyRing {

  public static final Duration DEFAULT_ROTATION_PERIOD = Duration.ofDays(30);

  /**
   * Added to the longest token lifetime to make the retirement grace: covers the verifiers' clock
   * skew and another instance signing a little longer with a cached, just-retired key.
   */
  public static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofMinutes(5);

  private static final Comparator<SigningKey> NEWEST_FIRST =
      Comparator.comparing(SigningKey::createdAt).thenComparing(SigningKey::keyId).reversed();

  private final SigningKeyStore store;
  private final SigningKeyGenerator generator;
  private final Duration rotationPeriod;
  private final Duration retirementGrace;
  private final Clock clock;

  /**
   * @throws IllegalArgumentException if a period is not positive, or the grace is not shorter than
   *     the rotation period (then retired keys would pile up)
   */
  public SigningKeyRing(
      SigningKeyStore store,
      SigningKeyGenerator generator,
      Duration rotationPeriod,
      Duration retirementGrace,
      Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.generator = Objects.requireNonNull(generator, "generator");
    this.rotationPeriod = Objects.requireNonNull(rotationPeriod, "rotationPeriod");
    this.retirementGrace = Objects.requireNonNull(retirementGrace, "retirementGrace");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (rotationPeriod.isNegative() || rotationPeriod.isZero()) {
      throw new IllegalArgumentException("Signing key rotation period must be positive");
    }
    if (retirementGrace.isNegative() || retirementGrace.isZero()) {
      throw new IllegalArgumentException("Signing key retirement grace must be positive");
    }
    if (retirementGrace.compareTo(rotationPeriod) >= 0) {
      throw new IllegalArgumentException(
          "Signing key retirement grace must be shorter than the rotation period");
    }
  }

  /** The retirement grace for tokens that live at most {@code longestTokenLifetime}. */
  public static Duration retirementGraceFor(Duration longestTokenLifetime) {
    return longestTokenLifetime.plus(CLOCK_SKEW_ALLOWANCE);
  }

  /**
   * Makes a new key for every algorithm that has none or whose current key is older than the
   * rotation period, and deletes retired keys past their grace.
   *
   * @return the keys made now (empty when nothing was due)
   */
  public synchronized List<SigningKey> rotateIfDue() {
    Instant now = clock.instant();
    Map<SigningAlgorithm, List<SigningKey>> byAlgorithm = byAlgorithm(store.findAll());
    List<SigningKey> made = new ArrayList<>();
    for (SigningAlgorithm algorithm : SigningAlgorithm.values()) {
      List<SigningKey> keys = byAlgorithm.get(algorithm);
      if (keys.isEmpty() || !keys.get(0).createdAt().plus(rotationPeriod).isAfter(now)) {
        made.add(makeSuccessor(algorithm, keys, now));
      }
    }
    purge(now);
    return List.copyOf(made);
  }

  /**
   * Makes a new current key for {@code algorithm} now, whatever the schedule; the previous one is
   * retired with the usual grace. Deletes retired keys past their grace.
   */
  public synchronized SigningKey rotateNow(SigningAlgorithm algorithm) {
    Objects.requireNonNull(algorithm, "algorithm");
    Instant now = clock.instant();
    SigningKey key = makeSuccessor(algorithm, byAlgorithm(store.findAll()).get(algorithm), now);
    purge(now);
    return key;
  }

  /**
   * Makes and stores a key strictly newer than {@code newestFirst}'s newest, so it is current even
   * when the clock has not moved since that one was made. Millisecond precision survives any
   * database timestamp column.
   */
  private SigningKey makeSuccessor(
      SigningAlgorithm algorithm, List<SigningKey> newestFirst, Instant now) {
    Instant createdAt = now.truncatedTo(ChronoUnit.MILLIS);
    if (!newestFirst.isEmpty() && !createdAt.isAfter(newestFirst.get(0).createdAt())) {
      createdAt = newestFirst.get(0).createdAt().truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
    }
    SigningKey key = generator.generate(algorithm, createdAt);
    store.add(key);
    return key;
  }

  /**
   * The key that signs with {@code algorithm} now.
   *
   * @throws IllegalStateException if there is none ({@link #rotateIfDue()} was not called at
   *     start-up)
   */
  public SigningKey current(SigningAlgorithm algorithm) {
    List<SigningKey> keys = byAlgorithm(store.findAll()).get(algorithm);
    if (keys.isEmpty()) {
      throw new IllegalStateException(
          "No " + algorithm + " signing key: call rotateIfDue() at start-up");
    }
    return keys.get(0);
  }

  /** The key named {@code keyId} if it is current or retired within its grace; else empty. */
  public Optional<SigningKey> findPublished(String keyId) {
    if (keyId == null) {
      return Optional.empty();
    }
    Optional<SigningKey> found =
        published(clock.instant()).stream().filter(k -> k.keyId().equals(keyId)).findFirst();
    if (found.isEmpty() && store.reload()) {
      // Made on another instance since this one last read the keys.
      found = published(clock.instant()).stream().filter(k -> k.keyId().equals(keyId)).findFirst();
    }
    return found;
  }

  /** The public halves of every current and still published retired key; never a private part. */
  public JWKSet publicJwks() {
    List<JWK> jwks = published(clock.instant()).stream().map(SigningKey::publicJwk).toList();
    return new JWKSet(jwks);
  }

  private List<SigningKey> published(Instant now) {
    List<SigningKey> published = new ArrayList<>();
    for (List<SigningKey> keys : byAlgorithm(store.findAll()).values()) {
      for (int i = 0; i < keys.size(); i++) {
        if (isPublished(keys, i, now)) {
          published.add(keys.get(i));
        }
      }
    }
    return published;
  }

  /**
   * Key {@code i} of {@code newestFirst} is published while its successor is younger than grace.
   */
  private boolean isPublished(List<SigningKey> newestFirst, int i, Instant now) {
    return i == 0 || newestFirst.get(i - 1).createdAt().plus(retirementGrace).isAfter(now);
  }

  private void purge(Instant now) {
    for (List<SigningKey> keys : byAlgorithm(store.findAll()).values()) {
      for (int i = 0; i < keys.size(); i++) {
        if (!isPublished(keys, i, now)) {
          store.remove(keys.get(i).keyId());
        }
      }
    }
  }

  /** Every algorithm, each with its keys newest first (possibly none). */
  private static Map<SigningAlgorithm, List<SigningKey>> byAlgorithm(List<SigningKey> keys) {
    Map<SigningAlgorithm, List<SigningKey>> map = new EnumMap<>(SigningAlgorithm.class);
    for (SigningAlgorithm algorithm : SigningAlgorithm.values()) {
      map.put(
          algorithm,
          keys.stream().filter(k -> k.algorithm() == algorithm).sorted(NEWEST_FIRST).toList());
    }
    return map;
  }
}
