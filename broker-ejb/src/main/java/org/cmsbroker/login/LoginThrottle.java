package org.cmsbroker.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Brute-force protection for logins, per account and per client address. After each failure the
 * next attempt waits a growing delay (1 s, 2 s, 4 s, ... capped at 30 s by default), separately for
 * the account and for the address; an account with 100 failures within an hour is locked until the
 * oldest of them is an hour old (ASVS 5.0 V6.3.1). A success clears the account's history, not the
 * address's.
 *
 * <p>Usage: {@link #check} before verifying a password (refuse without verifying if not allowed),
 * then {@link #recordFailure} or {@link #recordSuccess}. Unknown accounts are throttled like known
 * ones, so throttling does not reveal which exist. Thread-safe; atomicity is the {@link
 * ThrottleStore}'s.
 */
public final class LoginThrottle {

  public static final Duration DEFAULT_BASE_DELAY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
  public static final int DEFAULT_MAX_FAILURES_PER_ACCOUNT = 100;
  public static final int DEFAULT_FREE_FAILURES_PER_ADDRESS = 5;

  private static final String ACCOUNT = "account:";
  private static final String ADDRESS = "ip:";

  private final ThrottleStore store;
  private final int freeFailuresPerAddress;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final Duration window;
  private final int maxFailuresPerAccount;
  private final Clock clock;

  /**
   * @param baseDelay delay after the first failure; doubles with each further one
   * @param maxDelay the cap on the delay; at most {@code window}
   * @param window the period for {@code maxFailuresPerAccount}, and after which a quiet account or
   *     address starts afresh
   * @param maxFailuresPerAccount failures per {@code window} after which the account is locked
   * @throws IllegalArgumentException if a duration is not positive, {@code maxDelay} is below
   *     {@code baseDelay} or above {@code window}, or the limit is not between 1 and 100
   */
  public LoginThrottle(
      ThrottleStore store,
      Duration baseDelay,
      Duration maxDelay,
      Duration window,
      int maxFailuresPerAccount,
      Clock clock) {
    this(store, baseDelay, maxDelay, window, maxFailuresPerAccount, 0, clock);
  }

  /**
   * As above, and an address may fail {@code freeFailuresPerAddress} times in a row before its
   * delays start: many people share one address behind a NAT or proxy, so one person's typo must
   * not slow down the others, while a guessing run from one address still is.
   */
  public LoginThrottle(
      ThrottleStore store,
      Duration baseDelay,
      Duration maxDelay,
      Duration window,
      int maxFailuresPerAccount,
      int freeFailuresPerAddress,
      Clock clock) {
    if (freeFailuresPerAddress < 0 || freeFailuresPerAddress > 20) {
      throw new IllegalArgumentException("Free failures per address must be between 0 and 20");
    }
    this.freeFailuresPerAddress = freeFailuresPerAddress;
    this.store = Objects.requireNonNull(store, "store");
    this.baseDelay = Objects.requireNonNull(baseDelay, "baseDelay");
    this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
    this.window = Objects.requireNonNull(window, "window");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxFailuresPerAccount = maxFailuresPerAccount;
    if (baseDelay.isNegative() || baseDelay.isZero() || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("Login throttle delay and window must be positive");
    }
    if (maxDelay.compareTo(baseDelay) < 0 || maxDelay.compareTo(window) > 0) {
      throw new IllegalArgumentException(
          "Login throttle maximum delay must lie between the base delay and the window");
    }
    if (maxFailuresPerAccount < 1 || maxFailuresPerAccount > DEFAULT_MAX_FAILURES_PER_ACCOUNT) {
      throw new IllegalArgumentException(
          "Login throttle failures per account must be between 1 and 100");
    }
  }

  /** The defaults: delays from 1 s doubling to 30 s, at most 100 failures per account per hour. */
  public LoginThrottle(ThrottleStore store, Clock clock) {
    this(
        store,
        DEFAULT_BASE_DELAY,
        DEFAULT_MAX_DELAY,
        DEFAULT_WINDOW,
        DEFAULT_MAX_FAILURES_PER_ACCOUNT,
        clock);
  }

  /**
   * Whether a login attempt for {@code account} from {@code address} may go ahead now.
   *
   * @param account the account name as looked up (normalised by the caller)
   * @param address the client IP address
   */
  public ThrottleDecision check(String account, String address) {
    Instant now = clock.instant();
    Optional<FailureHistory> forAccount = store.find(ACCOUNT + account);
    Optional<FailureHistory> forAddress = store.find(ADDRESS + address);

    Instant until = Instant.MIN;
    boolean accountLimit = false;
    if (forAccount.isPresent()) {
      FailureHistory h = forAccount.get();
      until = later(until, h.lastFailure().plus(delay(h.consecutiveFailures())));
      Optional<Instant> lock = accountLockEnd(h, now);
      if (lock.isPresent() && lock.get().isAfter(now)) {
        accountLimit = true;
        until = later(until, lock.get());
      }
    }
    if (forAddress.isPresent() && forAddress.get().consecutiveFailures() > freeFailuresPerAddress) {
      FailureHistory h = forAddress.get();
      until =
          later(
              until, h.lastFailure().plus(delay(h.consecutiveFailures() - freeFailuresPerAddress)));
    }
    return until.isAfter(now)
        ? ThrottleDecision.lockedUntil(until, accountLimit)
        : ThrottleDecision.ALLOWED;
  }

  /** Counts a failed attempt (wrong password, or an unknown account) against both. */
  public void recordFailure(String account, String address) {
    Instant now = clock.instant();
    store.update(ACCOUNT + account, h -> h.plusFailure(now, window, maxFailuresPerAccount));
    store.update(ADDRESS + address, h -> h.plusFailure(now, window, maxFailuresPerAccount));
  }

  /**
   * Clears the account's history after a successful login. The address keeps its history: one valid
   * account must not let an attacker reset the delay for guessing others.
   */
  public void recordSuccess(String account, String address) {
    store.remove(ACCOUNT + account);
  }

  /**
   * Forgets the account's failure history, lifting its delay and its lock (an administrator's
   * unlock). Addresses keep theirs, for the same reason as in {@link #recordSuccess}.
   */
  public void forgetAccount(String account) {
    store.remove(ACCOUNT + account);
  }

  /** Forgets histories older than the window; call from a timer. */
  public void purgeIdle() {
    store.purgeIdleSince(clock.instant().minus(window));
  }

  /** The wait after {@code failures} consecutive failures: base x 2^(n-1), capped. */
  Duration delay(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    int doublings = Math.min(failures - 1, 30);
    Duration d = baseDelay.multipliedBy(1L << doublings);
    return d.compareTo(maxDelay) > 0 ? maxDelay : d;
  }

  /** When the window limit stops holding, if the account has reached it. */
  private Optional<Instant> accountLockEnd(FailureHistory h, Instant now) {
    if (h.failuresAfter(now.minus(window)) < maxFailuresPerAccount) {
      return Optional.empty();
    }
    // The history keeps the latest maxFailuresPerAccount failures, oldest first: once the oldest
    // of them leaves the window, fewer than the limit remain in it.
    return Optional.of(h.recentFailures().get(0).plus(window));
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
