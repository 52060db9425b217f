package org.cmsbroker.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import org.cmsbroker.persistence.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The counts on H2 with the real migrations, each call in its own transaction as in Payara. */
class StripeEventCountsTest {
  private final TestDatabase database = new TestDatabase();
  private final Instant now = Instant.parse("2026-03-01T10:00:00Z");
  private int next;

  @AfterEach
  void close() {
    database.close();
  }

  private <T> T call(Function<EntityManager, T> work) {
    return database.inTransaction(work);
  }

  private void record(String type, String outcome, Instant receivedAt) {
    String id = "evt_" + (++next);
    call(
        em -> {
          em.persist(
              new StripeEventRecord(
                  id, type, OffsetDateTime.ofInstant(receivedAt, ZoneOffset.UTC), null, outcome));
          return null;
        });
  }

  private List<StripeEventCount> counts(Duration window) {
    return call(
        em -> {
          StripeEventCounts counts = new StripeEventCounts();
          counts.em = em;
          counts.clock = Clock.fixed(now, ZoneOffset.UTC);
          return counts.counts(window);
        });
  }

  @Test
  void groupsByTypeAndOutcomeMostFrequentFirst() {
    record("checkout.session.completed", "apply", now.minusSeconds(3600));
    record("customer.created", "no_payment", now.minusSeconds(60));
    record("customer.created", "no_payment", now.minusSeconds(30));
    record("customer.created", "ignore_unknown_type", now.minusSeconds(20));
    record("checkout.session.completed", "ignore_no_change", now.minusSeconds(10));
    record("customer.created", "no_payment", now.minusSeconds(5));

    assertEquals(
        List.of(
            new StripeEventCount("customer.created", "no_payment", 3, now.minusSeconds(5)),
            new StripeEventCount("checkout.session.completed", "apply", 1, now.minusSeconds(3600)),
            new StripeEventCount(
                "checkout.session.completed", "ignore_no_change", 1, now.minusSeconds(10)),
            new StripeEventCount(
                "customer.created", "ignore_unknown_type", 1, now.minusSeconds(20))),
        counts(Duration.ofHours(24)));
  }

  @Test
  void countsOnlyTheWindowItsStartIncluded() {
    record("charge.refunded", "apply", now.minus(Duration.ofHours(25)));
    record("charge.refunded", "apply", now.minus(Duration.ofHours(24)));
    record("charge.refunded", "ignore_stale", now.minus(Duration.ofHours(2)));

    assertEquals(
        List.of(
            new StripeEventCount("charge.refunded", "apply", 1, now.minus(Duration.ofHours(24))),
            new StripeEventCount(
                "charge.refunded", "ignore_stale", 1, now.minus(Duration.ofHours(2)))),
        counts(Duration.ofHours(24)));
    assertEquals(
        List.of(
            new StripeEventCount(
                "charge.refunded", "ignore_stale", 1, now.minus(Duration.ofHours(2)))),
        counts(Duration.ofHours(3)));
    assertEquals(2L, counts(Duration.ofHours(48)).get(0).count());
  }

  @Test
  void noEventsNoGroups() {
    assertEquals(List.of(), counts(Duration.ofHours(24)));
  }
}
