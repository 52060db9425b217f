package org.cmsbroker.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.cmsbroker.testing.Core;
import org.junit.jupiter.api.Test;

/** The throttle's slot, reserved before the password is checked. */
class LoginThrottleReservationTest {

  private static final String ALICE = "alice@example.org";
  private static final String IP = "192.0.2.10";

  private final MutableClock clock = MutableClock.atStart();
  private final InMemoryThrottleStore store = new InMemoryThrottleStore();
  private final LoginThrottle throttle =
      new LoginThrottle(
          store,
          LoginThrottle.DEFAULT_BASE_DELAY,
          LoginThrottle.DEFAULT_MAX_DELAY,
          LoginThrottle.DEFAULT_WINDOW,
          LoginThrottle.DEFAULT_MAX_FAILURES_PER_ACCOUNT,
          LoginThrottle.DEFAULT_FREE_FAILURES_PER_ADDRESS,
          clock);

  @Test
  void parallelWrongGuessesCannotSkipTheDelay() throws Exception {
    AtomicInteger checked = new AtomicInteger();

    List<Object> results =
        Core.concurrently(
            8,
            () -> {
              LoginThrottle.Attempt attempt = throttle.reserve(ALICE, IP);
              if (attempt.decision().allowed()) {
                checked.incrementAndGet(); // the password check, which fails
                attempt.failed();
              }
              return attempt.decision();
            });

    // The clock stands still: after the first failure every other guess must wait a second.
    assertEquals(1, checked.get(), "results: " + results);
    assertEquals(
        7,
        results.stream().filter(r -> r instanceof ThrottleDecision d && !d.allowed()).count(),
        "results: " + results);
    assertFalse(throttle.check(ALICE, IP).allowed());
  }

  @Test
  void parallelWrongGuessesOnManyAccountsFromOneAddressStopAtItsFreeFailures() throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger checked = new AtomicInteger();

    Core.concurrently(
        12,
        () -> {
          LoginThrottle.Attempt attempt = throttle.reserve("user" + next.incrementAndGet(), IP);
          if (attempt.decision().allowed()) {
            checked.incrementAndGet();
            attempt.failed();
          }
          return attempt.decision();
        });

    // Five free failures, then one more checked attempt sets the address's first delay.
    assertEquals(LoginThrottle.DEFAULT_FREE_FAILURES_PER_ADDRESS + 1, checked.get());
  }

  @Test
  void concurrentRightPasswordsForOneAccountAllGoAhead() throws Exception {
    List<Object> results =
        Core.concurrently(
            4,
            () -> {
              LoginThrottle.Attempt attempt = throttle.reserve(ALICE, IP);
              if (attempt.decision().allowed()) {
                attempt.succeeded();
              }
              return attempt.decision().allowed();
            });

    assertEquals(List.of(true, true, true, true), results);
  }

  @Test
  void aReleasedSlotLetsTheNextAttemptGoAheadWithoutADelay() {
    LoginThrottle.Attempt first = throttle.reserve(ALICE, IP);
    assertTrue(first.decision().allowed());
    first.release();
    first.failed(); // settled already: does nothing

    assertTrue(throttle.reserve(ALICE, IP).decision().allowed());
    assertEquals(0, store.find("account:" + ALICE).orElseThrow().consecutiveFailures());
  }

  @Test
  void anAbandonedSlotStopsBlockingOnceStale() {
    assertTrue(throttle.reserve(ALICE, IP).decision().allowed()); // never settled

    clock.advance(LoginThrottle.STALE_RESERVATION.plus(Duration.ofSeconds(1)));

    assertTrue(throttle.reserve(ALICE, IP).decision().allowed());
  }

  @Test
  void aSlotWaitedForTooLongIsRefusedNotGranted() {
    assertTrue(throttle.reserve(ALICE, IP).decision().allowed()); // in flight

    ThrottleDecision second = throttle.reserve(ALICE, "198.51.100.7").decision();

    assertFalse(second.allowed());
  }
}
