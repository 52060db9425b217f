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
 * <p>Usage: {@link #reserve} before verifying a password. It atomically takes a slot for the
 * attempt on the account and on the address, or says how long to wait; the caller verifies only
 * with a slot, then settles it with {@link Attempt#failed}, {@link Attempt#succeeded} or {@link
 * Attempt#release}. While an attempt on an account is being checked, another attempt on it waits
 * for that one to settle (a few hundred milliseconds at most, then it is refused), so parallel
 * guesses are checked one after the other, each after the delay the previous failure set: they
 * cannot skip the growing delay. An address runs attempts in parallel only within its free
 * failures. Unknown accounts are throttled like known ones, so throttling does not reveal which
 * exist. Thread-safe; atomicity is the {@link ThrottleStore}'s.
 */
public final class LoginThrottle {

  public static final Duration DEFAULT_BASE_DELAY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
  public static final int DEFAULT_MAX_FAILURES_PER_ACCOUNT = 100;
  public static final int DEFAULT_FREE_FAILURES_PER_ADDRESS = 5;

  /** A reservation older than this is an abandoned attempt (its request died) and is ignored. */
  public static final Duration STALE_RESERVATION = Duration.ofMinutes(2);

  /** How long an attempt waits for another attempt on its account or address to settle. */
  static final Duration MAX_WAIT = Duration.ofSeconds(5);

  private static final long POLL_MILLIS = 10;

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

  /**
   * Reserves a slot for a login attempt for {@code account} from {@code address}, atomically with
   * the check: when {@link Attempt#decision()} allows it, the caller verifies the password and then
   * settles the attempt exactly once (further calls do nothing); otherwise it refuses without
   * verifying. Waits while another attempt on the same account (or, beyond its free failures, the
   * same address) is being checked, at most {@link #MAX_WAIT}.
   *
   * @param account the account name as looked up (normalised by the caller)
   * @param address the client IP address
   */
  public Attempt reserve(String account, String address) {
    long deadline = System.nanoTime() + MAX_WAIT.toNanos();
    while (true) {
      Instant now = clock.instant();
      Step onAccount = take(ACCOUNT + account, now, 0, true);
      if (onAccount.decision() != null) {
        return new Attempt(null, null, onAccount.decision());
      }
      if (onAccount.granted()) {
        Step onAddress = take(ADDRESS + address, now, freeFailuresPerAddress, false);
        if (onAddress.granted()) {
          return new Attempt(account, address, ThrottleDecision.ALLOWED);
        }
        store.update(ACCOUNT + account, FailureHistory::minusInFlight);
        if (onAddress.decision() != null) {
          return new Attempt(null, null, onAddress.decision());
        }
      }
      // Another attempt on this account or address is being checked: let it settle first.
      if (System.nanoTime() - deadline > 0) {
        return new Attempt(null, null, ThrottleDecision.lockedUntil(now.plus(baseDelay), false));
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Attempt(null, null, ThrottleDecision.lockedUntil(now.plus(baseDelay), false));
      }
    }
  }

  /** One key's part of a reservation: granted, busy (neither), or refused with a decision. */
  private record Step(boolean granted, ThrottleDecision decision) {}

  private Step take(String key, Instant now, int free, boolean isAccount) {
    Step[] step = new Step[1];
    store.update(
        key,
        h -> {
          Instant until = Instant.MIN;
          boolean accountLimit = false;
          if (isAccount) {
            until = h.lastFailure().plus(delay(h.consecutiveFailures()));
            Optional<Instant> lock = accountLockEnd(h, now);
            if (lock.isPresent() && lock.get().isAfter(now)) {
              accountLimit = true;
              until = later(until, lock.get());
            }
          } else if (h.consecutiveFailures() > free) {
            until = h.lastFailure().plus(delay(h.consecutiveFailures() - free));
          }
          if (until.isAfter(now)) {
            step[0] = new Step(false, ThrottleDecision.lockedUntil(until, accountLimit));
            return h;
          }
          int inFlight = h.inFlightAt(now, STALE_RESERVATION);
          if (inFlight > 0 && h.consecutiveFailures() + inFlight >= free) {
            step[0] = new Step(false, null);
            return h;
          }
          step[0] = new Step(true, null);
          return h.withInFlight(inFlight + 1, now);
        });
    return step[0];
  }

  /**
   * A login attempt that went through {@link #reserve}. Settle an allowed one exactly once, also
   * when the check throws (a {@code finally} with {@link #release} does): later calls do nothing.
   */
  public final class Attempt {
    private final String account;
    private final String address;
    private final ThrottleDecision decision;
    private final java.util.concurrent.atomic.AtomicBoolean settled;

    private Attempt(String account, String address, ThrottleDecision decision) {
      this.account = account;
      this.address = address;
      this.decision = decision;
      this.settled = new java.util.concurrent.atomic.AtomicBoolean(!decision.allowed());
    }

    /** Whether the attempt may go ahead, or until when it must wait. */
    public ThrottleDecision decision() {
      return decision;
    }

    /** The password was wrong (or the account unknown): counts against both, frees the slots. */
    public void failed() {
      if (settled.compareAndSet(false, true)) {
        Instant now = clock.instant();
        store.update(
            ACCOUNT + account,
            h -> h.plusFailure(now, window, maxFailuresPerAccount).minusInFlight());
        store.update(
            ADDRESS + address,
            h -> h.plusFailure(now, window, maxFailuresPerAccount).minusInFlight());
      }
    }

    /** The password was right: clears the account's history, frees the address's slot. */
    public void succeeded() {
      if (settled.compareAndSet(false, true)) {
        store.remove(ACCOUNT + account);
        store.update(ADDRESS + address, FailureHistory::minusInFlight);
      }
    }

    /** Neither (the check did not finish, or the login was refused for another reason). */
    public void release() {
      if (settled.compareAndSet(false, true)) {
        store.update(ACCOUNT + account, FailureHistory::minusInFlight);
        store.update(ADDRESS + address, FailureHistory::minusInFlight);
      }
    }
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
