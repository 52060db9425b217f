package org.cmsbroker.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cmsbroker.persistence.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The outbox's lease rules for order and room: the messages of one payment are leased one at a time
 * in sequence order, and a claim stays within each client's room. On H2 and PostgreSQL.
 */
class CallbackOrderTest {
  private static final Instant OCCURRED = Instant.parse("2026-01-02T03:04:05Z");
  private static final Duration LEASE = Duration.ofMinutes(1);

  private OutboxDatabase db;
  private final MutableClock clock = MutableClock.atStart();
  private OutboxDatabase.Outbox outbox;

  private void open(TestDatabase.Kind kind) {
    db = new OutboxDatabase(kind);
    outbox = db.outbox(clock, new SplittableRandom(7));
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  private String enqueue(String client, String payment, long sequence) {
    String id =
        outbox.call(o -> o.enqueue(client, payment, "payment.updated", "{}", OCCURRED, sequence));
    // Later messages are due later, so "earliest due first" alone would also give this order.
    clock.advance(Duration.ofMillis(10));
    return id;
  }

  private List<String> claim(ClaimLimits limits) {
    return outbox.call(o -> o.claimDue("broker-a", limits, LEASE)).stream()
        .map(LeasedMessage::id)
        .toList();
  }

  private List<String> claim(int max) {
    return claim(ClaimLimits.of(max));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aPaymentsNextMessageWaitsWhileTheEarlierOneIsPendingOrInFlight(TestDatabase.Kind kind) {
    open(kind);
    String first = enqueue("cms", "pay_1", 1);
    String second = enqueue("cms", "pay_1", 2);
    String other = enqueue("cms", "pay_2", 1);

    assertEquals(List.of(first, other), claim(10));
    // The first is in flight: its successor is still not leased.
    assertEquals(List.of(), claim(10));

    outbox.check(o -> o.markDelivered(first, "cms", "broker-a", 200));
    assertEquals(List.of(second), claim(10));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aFailedEarlierMessageHoldsBackTheLaterOneUntilItIsTaken(TestDatabase.Kind kind) {
    open(kind);
    String first = enqueue("cms", "pay_1", 1);
    String second = enqueue("cms", "pay_1", 2);
    assertEquals(List.of(first), claim(10));
    outbox.call(o -> o.markFailed(first, "broker-a", new DeliveryOutcome.Retry(503, "HTTP 503")));

    clock.advance(Duration.ofHours(1));
    // Both are due by now, the second even earlier than the retry of the first: still the first.
    assertEquals(List.of(first), claim(10));
    assertEquals(List.of(), claim(10));
    outbox.check(o -> o.markDelivered(first, "cms", "broker-a", 200));
    assertEquals(List.of(second), claim(10));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aDeadEarlierMessageNoLongerHoldsBackTheLaterOne(TestDatabase.Kind kind) {
    open(kind);
    String first = enqueue("cms", "pay_1", 1);
    String second = enqueue("cms", "pay_1", 2);
    claim(10);
    outbox.call(o -> o.markFailed(first, "broker-a", new DeliveryOutcome.GiveUp(410, "gone")));

    assertEquals(List.of(second), claim(10));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void anExpiredLeaseOfTheEarlierMessageStillHoldsBackTheLaterOne(TestDatabase.Kind kind) {
    open(kind);
    String first = enqueue("cms", "pay_1", 1);
    enqueue("cms", "pay_1", 2);
    claim(10);
    // The sender died; its lease runs out: the first is sent again, not the second.
    clock.advance(LEASE.plusSeconds(1));

    assertEquals(List.of(first), claim(10));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void messagesWithoutASubjectKeepNoOrder(TestDatabase.Kind kind) {
    open(kind);
    String a = outbox.call(o -> o.enqueue("cms", "payment.updated", "{}", OCCURRED, 1));
    String b = outbox.call(o -> o.enqueue("cms", "payment.updated", "{}", OCCURRED, 1));

    assertEquals(2, claim(10).size(), List.of(a, b).toString());
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aClaimTakesNoMoreOfAClientThanItsRoomAndSkipsClosedClients(TestDatabase.Kind kind) {
    open(kind);
    for (int i = 1; i <= 6; i++) {
      enqueue("busy", "pay_b" + i, 1);
    }
    String quiet = enqueue("quiet", "pay_q", 1);
    String closed = enqueue("down", "pay_d", 1);

    List<String> leased = claim(new ClaimLimits(10, 2, Map.of("down", 0)));

    assertEquals(3, leased.size(), leased.toString());
    assertTrue(leased.contains(quiet));
    assertTrue(!leased.contains(closed));
    // The busy client's backlog, due first, does not crowd out the others even with room 1 each.
    assertEquals(2, claim(new ClaimLimits(2, 1, Map.of())).size());
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aSubjectIsAtMost40Characters(TestDatabase.Kind kind) {
    open(kind);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            outbox.call(
                o -> o.enqueue("cms", "p".repeat(41), "payment.updated", "{}", OCCURRED, 1)));
  }
}
