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
 * that has none or whose newest key is older than the rotation period. {@link #rotateNow} makes a
 * successor whatever the schedule.
 *
 * <p>A successor is <em>published</em> at once (in the JWKS, and accepted in verification) but
 * <em>signs</em> only once it is older than the publication lead: by then every instance of a
 * cluster has read it from the shared store (each re-reads its keys at least that often), so no
 * instance signs a token with a key another instance does not publish yet. Until then its
 * predecessor goes on signing. The first key of an algorithm signs at once: nobody can have
 * published an older one. A replaced key is <em>retired</em>: it signs nothing more but stays
 * published for the retirement grace after its successor began to sign, so every token it signed
 * has expired by then (the grace is the longest token lifetime plus {@link #CLOCK_SKEW_ALLOWANCE},
 * see {@link #retirementGraceFor}); then it is deleted. When a key signs is derived from the stored
 * creation times alone, so every instance comes to the same answer.
 *
 * <p>Thread-safe within one instance. Across a cluster two instances may rotate at the same moment;
 * then both new keys are published, each signs in its turn after its lead, and the newer one is
 * current in the end, which is harmless.
 */
public final class SigningKeyRing {

  public static final Duration DEFAULT_ROTATION_PERIOD = Duration.ofDays(30);

  /**
   * Added to the longest token lifetime to make the retirement grace: covers the verifiers' clock
   * skew and another instance signing a little longer with a cached, just-retired key.
   */
  public static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofMinutes(5);

  /**
   * How long a successor key is published before it signs, unless the constructor is given another:
   * more than the 30 seconds an instance keeps the keys cached, plus a margin.
   */
  public static final Duration DEFAULT_PUBLICATION_LEAD = Duration.ofSeconds(45);

  /** Where a published key stands in its algorithm's rotation. */
  public enum Status {
    /** Published; signs from {@link ScheduledKey#signsFrom()}, after the publication lead. */
    NEXT,
    /** Signs now. */
    CURRENT,
    /** Signs no more; published until {@link ScheduledKey#publishedUntil()}. */
    RETIRED
  }

  /**
   * A published key: its status, from when it signs (or signed), and, once retired, until when it
   * stays published (else empty).
   */
  public record ScheduledKey(
      SigningKey key, Status status, Instant signsFrom, Optional<Instant> publishedUntil) {}

  private static final Comparator<SigningKey> NEWEST_FIRST =
      Comparator.comparing(SigningKey::createdAt).thenComparing(SigningKey::keyId).reversed();

  private final SigningKeyStore store;
  private final SigningKeyGenerator generator;
  private final Duration rotationPeriod;
  private final Duration retirementGrace;
  private final Duration publicationLead;
  private final Clock clock;

  /** A ring whose successor keys sign after the {@link #DEFAULT_PUBLICATION_LEAD}. */
  public SigningKeyRing(
      SigningKeyStore store,
      SigningKeyGenerator generator,
      Duration rotationPeriod,
      Duration retirementGrace,
      Clock clock) {
    this(store, generator, rotationPeriod, retirementGrace, DEFAULT_PUBLICATION_LEAD, clock);
  }

  /**
   * @param publicationLead how long a successor key is published before it signs: longer than any
   *     instance of a cluster may go without re-reading the keys from the shared store (zero only
   *     for a store no other instance shares)
   * @throws IllegalArgumentException if a period is not positive, the lead is negative, or the
   *     grace and the lead together are not shorter than the rotation period (then retired keys
   *     would pile up)
   */
  public SigningKeyRing(
      SigningKeyStore store,
      SigningKeyGenerator generator,
      Duration rotationPeriod,
      Duration retirementGrace,
      Duration publicationLead,
      Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.generator = Objects.requireNonNull(generator, "generator");
    this.rotationPeriod = Objects.requireNonNull(rotationPeriod, "rotationPeriod");
    this.retirementGrace = Objects.requireNonNull(retirementGrace, "retirementGrace");
    this.publicationLead = Objects.requireNonNull(publicationLead, "publicationLead");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (rotationPeriod.isNegative() || rotationPeriod.isZero()) {
      throw new IllegalArgumentException("Signing key rotation period must be positive");
    }
    if (retirementGrace.isNegative() || retirementGrace.isZero()) {
      throw new IllegalArgumentException("Signing key retirement grace must be positive");
    }
    if (publicationLead.isNegative()) {
      throw new IllegalArgumentException("Signing key publication lead must not be negative");
    }
    if (retirementGrace.plus(publicationLead).compareTo(rotationPeriod) >= 0) {
      throw new IllegalArgumentException(
          "Signing key retirement grace plus publication lead must be shorter than the rotation"
              + " period");
    }
  }

  /** How long a successor key is published before it signs. */
  public Duration publicationLead() {
    return publicationLead;
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
   * Makes a successor key for {@code algorithm} now, whatever the schedule: published at once, it
   * signs after the publication lead (at once if it is the algorithm's first key), and the key
   * signing until then is retired from that moment with the usual grace. Deletes retired keys past
   * their grace.
   */
  public synchronized SigningKey rotateNow(SigningAlgorithm algorithm) {
    Objects.requireNonNull(algorithm, "algorithm");
    Instant now = clock.instant();
    SigningKey key = makeSuccessor(algorithm, byAlgorithm(store.findAll()).get(algorithm), now);
    purge(now);
    return key;
  }

  /**
   * Makes and stores a key strictly newer than {@code newestFirst}'s newest, so it is the next to
   * sign even when the clock has not moved since that one was made. Millisecond precision survives
   * any database timestamp column.
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
   * The key that signs with {@code algorithm} now: the newest one past its publication lead.
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
    return keys.get(currentIndex(keys, clock.instant()));
  }

  /**
   * Every published key of every algorithm, newest first within an algorithm, with its status and
   * times; never a private part unless the caller asks the {@link SigningKey} for it.
   */
  public List<ScheduledKey> schedule() {
    Instant now = clock.instant();
    List<ScheduledKey> scheduled = new ArrayList<>();
    for (List<SigningKey> keys : byAlgorithm(store.findAll()).values()) {
      if (keys.isEmpty()) {
        continue;
      }
      int current = currentIndex(keys, now);
      for (int i = 0; i < keys.size() && isPublished(keys, i, now); i++) {
        Status status = i < current ? Status.NEXT : i == current ? Status.CURRENT : Status.RETIRED;
        Optional<Instant> until =
            status == Status.RETIRED
                ? Optional.of(signsFrom(keys, i - 1).plus(retirementGrace))
                : Optional.empty();
        scheduled.add(new ScheduledKey(keys.get(i), status, signsFrom(keys, i), until));
      }
    }
    return List.copyOf(scheduled);
  }

  /** When the published key named {@code keyId} signs (or signed) from; empty if unpublished. */
  public Optional<Instant> signsFrom(String keyId) {
    return schedule().stream()
        .filter(k -> k.key().keyId().equals(keyId))
        .map(ScheduledKey::signsFrom)
        .findFirst();
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
   * Key {@code i} of {@code newestFirst} is published while its successor has signed for less than
   * the grace (or does not sign yet).
   */
  private boolean isPublished(List<SigningKey> newestFirst, int i, Instant now) {
    return i == 0 || signsFrom(newestFirst, i - 1).plus(retirementGrace).isAfter(now);
  }

  /**
   * When key {@code i} of {@code newestFirst} signs from: the oldest stored key (the first ever, or
   * one whose predecessors are long deleted) from its creation, every other one after the lead.
   */
  private Instant signsFrom(List<SigningKey> newestFirst, int i) {
    Instant created = newestFirst.get(i).createdAt();
    return i == newestFirst.size() - 1 ? created : created.plus(publicationLead);
  }

  /**
   * The index in {@code newestFirst} (not empty) of the key that signs at {@code now}: the newest
   * one whose lead is over. The oldest key signs from its creation, so there always is one, unless
   * another instance's clock ran ahead when it was made; then the oldest signs anyway.
   */
  private int currentIndex(List<SigningKey> newestFirst, Instant now) {
    for (int i = 0; i < newestFirst.size(); i++) {
      if (!signsFrom(newestFirst, i).isAfter(now)) {
        return i;
      }
    }
    return newestFirst.size() - 1;
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
