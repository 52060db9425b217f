package org.cmsbroker.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UnhandledEventTypeLogTest {
  private static final String ADVICE =
      " the broker does not handle; configure the endpoint's events (see README)";

  private final MutableClock clock = MutableClock.atStart();
  private final UnhandledEventTypeLog log = new UnhandledEventTypeLog();

  @Test
  void theFirstEventIsLoggedAtOnce() {
    assertEquals(
        Optional.of("Stripe sent 1 event of type [customer.created]" + ADVICE),
        log.record("customer.created", clock.instant()));
  }

  @Test
  void laterEventsAreSummedUpAtMostOnceAMinute() {
    log.record("customer.created", clock.instant());
    clock.advance(Duration.ofSeconds(20));
    assertEquals(Optional.empty(), log.record("invoice.paid", clock.instant()));
    clock.advance(Duration.ofSeconds(39));
    assertEquals(Optional.empty(), log.record("customer.created", clock.instant()));
    clock.advance(Duration.ofSeconds(1));

    assertEquals(
        Optional.of("Stripe sent 3 events of types [customer.created, invoice.paid]" + ADVICE),
        log.record("customer.created", clock.instant()));
    clock.advance(Duration.ofSeconds(59));
    assertEquals(Optional.empty(), log.record("invoice.paid", clock.instant()));
    clock.advance(Duration.ofHours(2));
    assertEquals(
        Optional.of("Stripe sent 2 events of types [invoice.paid, payout.created]" + ADVICE),
        log.record("payout.created", clock.instant()));
  }

  @Test
  void namesAtMostTenTypesWithoutControlCharacters() {
    assertEquals(
        Optional.of("Stripe sent 1 event of type [bad?[2J]" + ADVICE),
        log.record("bad\u001b[2J", clock.instant()));
    for (int i = 0; i < 11; i++) {
      log.record("type." + (char) ('a' + i), clock.instant());
    }
    clock.advance(UnhandledEventTypeLog.INTERVAL);
    assertEquals(
        Optional.of(
            "Stripe sent 12 events of types [type.a, type.b, type.c, type.d, type.e, type.f,"
                + " type.g, type.h, type.i, type.j, ...]"
                + ADVICE),
        log.record("type.l", clock.instant()));
  }
}
