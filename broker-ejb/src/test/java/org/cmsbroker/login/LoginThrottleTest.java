package org.cmsbroker.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  private static final String ALICE = "alice@example.org";
  private static final String IP = "192.0.2.10";

  private final MutableClock clock = MutableClock.atStart();
  private final InMemoryThrottleStore store = new InMemoryThrottleStore();
  private final LoginThrottle throttle = new LoginThrottle(store, clock);

  @Test
  void throttleAllowsAFirstAttempt() {
    assertTrue(throttle.check(ALICE, IP).allowed());
  }

  @Test
  void throttleDelaysOneSecondAfterAFailure() {
    throttle.recordFailure(ALICE, IP);

    ThrottleDecision decision = throttle.check(ALICE, IP);

    assertEquals(Optional.of(clock.instant().plusSeconds(1)), decision.lockedUntil());
    assertFalse(decision.accountLimitReached());
  }

  @Test
  void throttleAllowsOnceTheDelayHasPassed() {
    throttle.recordFailure(ALICE, IP);
    clock.advance(Duration.ofSeconds(1));

    assertTrue(throttle.check(ALICE, IP).allowed());
  }

  @Test
  void throttleDelayDoublesWithEachFailure() {
    throttle.recordFailure(ALICE, IP);
    clock.advance(Duration.ofSeconds(1));
    throttle.recordFailure(ALICE, IP);
    clock.advance(Duration.ofSeconds(2));
    throttle.recordFailure(ALICE, IP);

    assertEquals(
        Optional.of(clock.instant().plusSeconds(4)), throttle.check(ALICE, IP).lockedUntil());
  }

  @Test
  void throttleDelayIsCappedAtThirtySeconds() {
    assertEquals(Duration.ofSeconds(16), throttle.delay(5));
    assertEquals(Duration.ofSeconds(30), throttle.delay(6));
    assertEquals(Duration.ofSeconds(30), throttle.delay(99));
    assertEquals(Duration.ofSeconds(30), throttle.delay(Integer.MAX_VALUE));
  }

  @Test
  void throttleDelaysAnAddressAcrossAccounts() {
    throttle.recordFailure("bob", IP);

    assertFalse(throttle.check(ALICE, IP).allowed());
    assertTrue(throttle.check(ALICE, "198.51.100.7").allowed());
  }

  @Test
  void throttleDelaysAnAccountAcrossAddresses() {
    throttle.recordFailure(ALICE, IP);

    assertFalse(throttle.check(ALICE, "198.51.100.7").allowed());
    assertTrue(throttle.check("bob", "198.51.100.7").allowed());
  }

  @Test
  void throttleLocksAfterHundredFailuresPerHour() {
    Instant first = clock.instant();
    for (int i = 0; i < 100; i++) {
      // A new address each time, as in a distributed attack: only the account limit holds.
      throttle.recordFailure(ALICE, "203.0.113." + i);
      clock.advance(Duration.ofSeconds(30));
    }

    ThrottleDecision decision = throttle.check(ALICE, "198.51.100.7");

    assertTrue(decision.accountLimitReached());
    assertEquals(Optional.of(first.plus(Duration.ofHours(1))), decision.lockedUntil());
  }

  @Test
  void throttleLockEndsWhenTheOldestFailureLeavesTheHour() {
    Instant first = clock.instant();
    for (int i = 0; i < 100; i++) {
      throttle.recordFailure(ALICE, "203.0.113." + i);
      clock.advance(Duration.ofSeconds(30));
    }
    clock.advance(Duration.between(clock.instant(), first.plus(Duration.ofHours(1))));

    assertTrue(throttle.check(ALICE, "198.51.100.7").allowed());
  }

  @Test
  void throttleDoesNotLockAtNinetyNineFailures() {
    for (int i = 0; i < 99; i++) {
      throttle.recordFailure(ALICE, "203.0.113." + i);
      clock.advance(Duration.ofSeconds(30));
    }

    assertTrue(throttle.check(ALICE, "198.51.100.7").allowed());
  }

  @Test
  void forgetAccountLiftsTheAccountLockButNotTheAddressDelay() {
    for (int i = 0; i < 100; i++) {
      throttle.recordFailure(ALICE, "203.0.113." + i);
    }
    assertTrue(throttle.check(ALICE, "198.51.100.7").accountLimitReached());

    throttle.forgetAccount(ALICE);

    assertTrue(throttle.check(ALICE, "198.51.100.7").allowed());
    assertFalse(throttle.check("bob", "203.0.113.99").allowed());
  }

  @Test
  void successResetsTheAccountButNotTheAddress() {
    throttle.recordFailure(ALICE, IP);
    throttle.recordFailure(ALICE, IP);
    throttle.recordFailure(ALICE, IP);

    throttle.recordSuccess(ALICE, IP);

    assertTrue(throttle.check(ALICE, "198.51.100.7").allowed());
    assertFalse(throttle.check("bob", IP).allowed());
  }

  @Test
  void aQuietHourStartsTheDelayAfresh() {
    for (int i = 0; i < 5; i++) {
      throttle.recordFailure(ALICE, IP);
    }
    clock.advance(Duration.ofHours(1));

    throttle.recordFailure(ALICE, IP);

    assertEquals(
        Optional.of(clock.instant().plusSeconds(1)), throttle.check(ALICE, IP).lockedUntil());
  }

  @Test
  void purgeForgetsIdleHistories() {
    throttle.recordFailure(ALICE, IP);
    clock.advance(Duration.ofHours(2));
    throttle.recordFailure("bob", "198.51.100.7");

    throttle.purgeIdle();

    assertEquals(2, store.size());
  }

  @Test
  void refusesALimitAboveOneHundred() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new LoginThrottle(
                store,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                Duration.ofHours(1),
                101,
                clock));
  }

  private LoginThrottle sharedAddressThrottle() {
    return new LoginThrottle(
        store,
        LoginThrottle.DEFAULT_BASE_DELAY,
        LoginThrottle.DEFAULT_MAX_DELAY,
        LoginThrottle.DEFAULT_WINDOW,
        LoginThrottle.DEFAULT_MAX_FAILURES_PER_ACCOUNT,
        LoginThrottle.DEFAULT_FREE_FAILURES_PER_ADDRESS,
        clock);
  }

  @Test
  void oneTypoFromASharedAddressDoesNotDelayOtherAccounts() {
    LoginThrottle shared = sharedAddressThrottle();
    shared.recordFailure(ALICE, IP);

    assertTrue(shared.check("bob@example.org", IP).allowed());
    assertFalse(shared.check(ALICE, IP).allowed(), "the account itself still waits");
  }

  @Test
  void addressDelaysStartAfterItsFreeFailures() {
    LoginThrottle shared = sharedAddressThrottle();
    for (int i = 0; i < LoginThrottle.DEFAULT_FREE_FAILURES_PER_ADDRESS + 1; i++) {
      shared.recordFailure("user" + i, IP);
    }

    assertEquals(
        Optional.of(clock.instant().plusSeconds(1)), shared.check("someone-new", IP).lockedUntil());
  }

  @Test
  void freeFailuresPerAddressAreBounded() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new LoginThrottle(
                store,
                LoginThrottle.DEFAULT_BASE_DELAY,
                LoginThrottle.DEFAULT_MAX_DELAY,
                LoginThrottle.DEFAULT_WINDOW,
                LoginThrottle.DEFAULT_MAX_FAILURES_PER_ACCOUNT,
                21,
                clock));
  }
}
