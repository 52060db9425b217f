package org.cmsbroker.login;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Issues single-use login challenges (256 random bits, valid for a few minutes) and consumes them
 * exactly once. Thread-safe; the atomicity of consumption is the {@link ChallengeStore}'s.
 */
public final class LoginChallenges {

  /** Length of a challenge: 32 random bytes in Base64url without padding. */
  public static final int LENGTH = 43;

  public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofMinutes(5);

  private static final int RANDOM_BYTES = 32;
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{" + LENGTH + "}");

  private final ChallengeStore store;
  private final Duration timeToLive;
  private final Clock clock;
  private final SecureRandom random;

  /**
   * @throws IllegalArgumentException if {@code timeToLive} is not between one second and one hour
   */
  public LoginChallenges(
      ChallengeStore store, Duration timeToLive, Clock clock, SecureRandom random) {
    this.store = Objects.requireNonNull(store, "store");
    this.timeToLive = Objects.requireNonNull(timeToLive, "timeToLive");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    if (timeToLive.compareTo(Duration.ofSeconds(1)) < 0
        || timeToLive.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "Login challenge lifetime must be between one second and one hour");
    }
  }

  /** Five-minute challenges. */
  public LoginChallenges(ChallengeStore store, Clock clock) {
    this(store, DEFAULT_TIME_TO_LIVE, clock, new SecureRandom());
  }

  /** A new challenge, stored until it expires. */
  public Challenge issue() {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Instant expiresAt = clock.instant().plus(timeToLive);
    store.add(value, expiresAt);
    return new Challenge(value, expiresAt);
  }

  /**
   * Uses up a challenge.
   *
   * @throws LoginRejectedException with reason {@code UNKNOWN_CHALLENGE}, {@code EXPIRED_CHALLENGE}
   *     or {@code REPLAYED_CHALLENGE}
   */
  public void consume(String challenge) throws LoginRejectedException {
    if (challenge == null || !FORMAT.matcher(challenge).matches()) {
      throw new LoginRejectedException(LoginRejectedException.Reason.UNKNOWN_CHALLENGE);
    }
    switch (store.consume(challenge, clock.instant())) {
      case CONSUMED:
        return;
      case EXPIRED:
        throw new LoginRejectedException(LoginRejectedException.Reason.EXPIRED_CHALLENGE);
      case ALREADY_CONSUMED:
        throw new LoginRejectedException(LoginRejectedException.Reason.REPLAYED_CHALLENGE);
      case UNKNOWN:
      default:
        throw new LoginRejectedException(LoginRejectedException.Reason.UNKNOWN_CHALLENGE);
    }
  }

  /** Forgets expired challenges; call from a timer. */
  public void purgeExpired() {
    store.purgeExpired(clock.instant());
  }
}
