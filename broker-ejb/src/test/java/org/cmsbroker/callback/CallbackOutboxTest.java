package org.cmsbroker.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outbox on H2 with the real migrations, each call in its own transaction. */
class CallbackOutboxTest {
  private static final String PAYLOAD =
      "{\"type\":\"payment.succeeded\",\"payment\":\"pay_123\",\"email\":\"ada@example.org\"}";
  private static final java.time.Instant OCCURRED = java.time.Instant.parse("2026-01-02T03:04:05Z");

  /** {@link #PAYLOAD} as queued: with the members a receiver orders messages by. */
  private static final String SENT =
      PAYLOAD.substring(0, PAYLOAD.length() - 1)
          + ",\"occurred_at\":\"2026-01-02T03:04:05Z\",\"sequence\":1}";

  private static final Duration LEASE = Duration.ofMinutes(3);

  private final OutboxDatabase db = new OutboxDatabase();
  private final MutableClock clock = MutableClock.atStart();
  private final OutboxDatabase.Outbox outbox = db.outbox(clock, new SplittableRandom(7));

  @AfterEach
  void close() {
    db.close();
  }

  private String enqueue() {
    return outbox.call(o -> o.enqueue("civicrm-site", "payment.succeeded", PAYLOAD, OCCURRED, 1));
  }

  private List<LeasedMessage> claim(String owner, int max) {
    return outbox.call(o -> o.claimDue(owner, max, LEASE));
  }

  private OutboxEntry entry(String id) {
    return outbox.call(o -> o.find(id)).orElseThrow();
  }

  @Test
  void payloadIsEncryptedAtRest() throws Exception {
    String id = enqueue();

    try (Connection c = db.connection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT payload_ciphertext FROM callback_message WHERE id = '" + id + "'")) {
      assertTrue(rs.next());
      String stored = rs.getString(1);
      assertTrue(stored.startsWith("v3:"));
      assertFalse(stored.contains("pay_123"));
      assertFalse(stored.contains("ada@example.org"));
      assertFalse(stored.contains("payment.succeeded"));
      assertEquals(SENT, db.cipher.decrypt(CallbackOutbox.PAYLOAD, id, stored));
    }
  }

  @Test
  void enqueueJoinsTheCallersTransaction() {
    assertThrows(
        IllegalStateException.class,
        () ->
            outbox.call(
                o -> {
                  o.enqueue("civicrm-site", "payment.succeeded", PAYLOAD, OCCURRED, 1);
                  throw new IllegalStateException("the payment change failed");
                }));

    assertTrue(outbox.call(o -> o.list(OutboxFilter.all(10))).isEmpty());
  }

  @Test
  void enqueueRefusesAMalformedEventType() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                outbox.call(
                    o -> o.enqueue("civicrm-site", "Payment Succeeded", PAYLOAD, OCCURRED, 1)));
    assertEquals("event type must match [a-z0-9][a-z0-9._-]{0,99}", e.getMessage());
  }

  @Test
  void claimLeasesADueMessageWithItsPayloadAndCountsTheAttempt() {
    String id = enqueue();

    List<LeasedMessage> leased = claim("broker-a", 10);

    assertEquals(1, leased.size());
    LeasedMessage m = leased.get(0);
    assertEquals(id, m.id());
    assertTrue(id.startsWith("msg_"));
    assertEquals("civicrm-site", m.clientId());
    assertEquals("payment.succeeded", m.eventType());
    assertEquals(SENT, m.payload());
    assertEquals(1, m.attempts());
    assertEquals("broker-a", m.leaseOwner());
    assertEquals(clock.instant().plus(LEASE), m.leaseUntil());
    assertEquals(CallbackStatus.DELIVERING, entry(id).status());
  }

  @Test
  void aLeasedMessageIsNotClaimedAgainWhileItsLeaseRuns() {
    enqueue();
    claim("broker-a", 10);
    clock.advance(LEASE.minusSeconds(1));

    assertTrue(claim("broker-b", 10).isEmpty());
    assertTrue(claim("broker-a", 10).isEmpty());
  }

  @Test
  void anExpiredLeaseIsReclaimedSoACrashLosesNothing() {
    String id = enqueue();
    claim("broker-a", 10);
    // broker-a dies mid-delivery; its lease runs out.
    clock.advance(LEASE.plusSeconds(1));

    List<LeasedMessage> reclaimed = claim("broker-b", 10);

    assertEquals(1, reclaimed.size());
    assertEquals(id, reclaimed.get(0).id());
    assertEquals(2, reclaimed.get(0).attempts());
    // The old owner, back from the dead, can no longer settle the message.
    assertFalse(outbox.check(o -> o.markDelivered(id, "civicrm-site", "broker-a", 200)));
    assertTrue(outbox.check(o -> o.markDelivered(id, "civicrm-site", "broker-b", 200)));
    assertEquals(CallbackStatus.DELIVERED, entry(id).status());
  }

  @Test
  void twoDispatchersClaimingConcurrentlyGetDisjointSets() throws Exception {
    Set<String> all = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      all.add(enqueue());
    }
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (String owner : List.of("broker-a", "broker-b")) {
        Callable<List<String>> claimer =
            () -> {
              List<String> mine = new ArrayList<>();
              start.await(10, TimeUnit.SECONDS);
              for (int round = 0; round < 10; round++) {
                claim(owner, 8).forEach(m -> mine.add(m.id()));
              }
              return mine;
            };
        results.add(pool.submit(claimer));
      }
      List<String> a = results.get(0).get(60, TimeUnit.SECONDS);
      List<String> b = results.get(1).get(60, TimeUnit.SECONDS);

      Set<String> overlap = new HashSet<>(a);
      overlap.retainAll(b);
      assertTrue(overlap.isEmpty(), "claimed twice: " + overlap);
      assertEquals(a.size(), new HashSet<>(a).size());
      assertEquals(b.size(), new HashSet<>(b).size());
      Set<String> union = new HashSet<>(a);
      union.addAll(b);
      assertEquals(all, union);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedAttemptIsRetriedAfterABackoffWithinTheCeiling() {
    String id = enqueue();
    claim("broker-a", 10);

    Optional<CallbackStatus> status =
        outbox.call(o -> o.markFailed(id, "broker-a", new DeliveryOutcome.Retry(503, "HTTP 503")));

    assertEquals(Optional.of(CallbackStatus.PENDING), status);
    OutboxEntry e = entry(id);
    assertEquals(503, e.lastStatusCode());
    assertEquals("HTTP 503", e.lastError());
    assertEquals(1, e.attempts());
    Duration delay = Duration.between(clock.instant(), e.nextAttemptAt());
    assertFalse(delay.isNegative());
    assertTrue(delay.compareTo(Duration.ofSeconds(30)) <= 0, "delay " + delay);
    // Not due before its time.
    if (!delay.isZero()) {
      assertTrue(claim("broker-a", 10).isEmpty());
    }
    clock.advance(delay);
    assertEquals(id, claim("broker-a", 10).get(0).id());
  }

  @Test
  void aMessageFailingForThreeDaysGoesDead() {
    String id = enqueue();
    Optional<CallbackStatus> last = Optional.empty();
    int attempts = 0;
    while (!last.equals(Optional.of(CallbackStatus.DEAD))) {
      List<LeasedMessage> leased = claim("broker-a", 10);
      if (leased.isEmpty()) {
        clock.advance(Duration.ofMinutes(1));
        continue;
      }
      attempts++;
      assertEquals(id, leased.get(0).id());
      last =
          outbox.call(
              o -> o.markFailed(id, "broker-a", new DeliveryOutcome.Retry(null, "no answer")));
      assertTrue(attempts < 1000);
    }

    Instant created = MutableClock.atStart().instant();
    assertFalse(clock.instant().isBefore(created.plus(Duration.ofDays(3))));
    assertTrue(clock.instant().isBefore(created.plus(Duration.ofDays(3)).plusSeconds(120)));
    assertEquals(CallbackStatus.DEAD, entry(id).status());
    assertEquals(attempts, entry(id).attempts());
    clock.advance(Duration.ofDays(30));
    assertTrue(claim("broker-a", 10).isEmpty());
  }

  @Test
  void giveUpSendsTheMessageToTheDeadLetterAtOnce() {
    String id = enqueue();
    claim("broker-a", 10);

    Optional<CallbackStatus> status =
        outbox.call(o -> o.markFailed(id, "broker-a", new DeliveryOutcome.GiveUp(410, "HTTP 410")));

    assertEquals(Optional.of(CallbackStatus.DEAD), status);
    assertEquals(410, entry(id).lastStatusCode());
  }

  @Test
  void replayPutsADeadMessageBackWithItsIdAndAttempts() {
    String id = enqueue();
    claim("broker-a", 10);
    outbox.call(o -> o.markFailed(id, "broker-a", new DeliveryOutcome.GiveUp(410, "HTTP 410")));
    clock.advance(Duration.ofDays(5));

    assertTrue(outbox.check(o -> o.replay(id)));

    OutboxEntry replayed = entry(id);
    assertEquals(CallbackStatus.PENDING, replayed.status());
    assertEquals(1, replayed.attempts());
    assertEquals(clock.instant(), replayed.nextAttemptAt());
    List<LeasedMessage> again = claim("broker-b", 10);
    assertEquals(id, again.get(0).id());
    assertEquals(SENT, again.get(0).payload());
    assertEquals(2, again.get(0).attempts());
    // A fresh window: a retryable failure five days after creation is rescheduled, not dead.
    assertEquals(
        Optional.of(CallbackStatus.PENDING),
        outbox.call(o -> o.markFailed(id, "broker-b", new DeliveryOutcome.Retry(500, "HTTP 500"))));
  }

  @Test
  void replayPutsADeliveredMessageBack() {
    String id = enqueue();
    claim("broker-a", 10);
    outbox.call(o -> o.markDelivered(id, "civicrm-site", "broker-a", 204));
    assertNull(entry(id).lastError());

    assertTrue(outbox.check(o -> o.replay(id)));
    assertEquals(CallbackStatus.PENDING, entry(id).status());
  }

  @Test
  void replayLeavesPendingAndLeasedMessagesAlone() {
    String pending = enqueue();
    String leased = enqueue();
    outbox.call(o -> o.claimDue("broker-a", 1, LEASE));

    assertFalse(outbox.check(o -> o.replay(pending)));
    assertFalse(outbox.check(o -> o.replay(leased)));
    assertFalse(outbox.check(o -> o.replay("msg_unknown")));
  }

  @Test
  void listFiltersByStatusAndClientNewestFirst() {
    String first = enqueue();
    clock.advance(Duration.ofSeconds(1));
    String second = enqueue();
    clock.advance(Duration.ofSeconds(1));
    String other = outbox.call(o -> o.enqueue("typo3-site", "payment.failed", "{}", OCCURRED, 1));
    outbox.call(o -> o.claimDue("broker-a", 1, LEASE));
    outbox.call(o -> o.markFailed(first, "broker-a", new DeliveryOutcome.GiveUp(410, "gone")));

    assertEquals(
        List.of(other, second, first),
        outbox.call(o -> o.list(OutboxFilter.all(10))).stream().map(OutboxEntry::id).toList());
    assertEquals(
        List.of(first),
        outbox.call(o -> o.list(new OutboxFilter(null, CallbackStatus.DEAD, 10))).stream()
            .map(OutboxEntry::id)
            .toList());
    assertEquals(
        List.of(second, first),
        outbox.call(o -> o.list(new OutboxFilter("civicrm-site", null, 10))).stream()
            .map(OutboxEntry::id)
            .toList());
  }

  @Test
  void enqueueAddsTheTimeAndSequenceAReceiverOrdersBy() {
    String id =
        outbox.call(
            o ->
                o.enqueue(
                    "civicrm-site",
                    "payment.refunded",
                    "{\"type\":\"payment.refunded\"}",
                    OCCURRED.plusMillis(999),
                    7));
    LeasedMessage m = claim("broker-a", 10).get(0);
    assertEquals(id, m.id());
    assertEquals(
        "{\"type\":\"payment.refunded\",\"occurred_at\":\"2026-01-02T03:04:05Z\",\"sequence\":7}",
        m.payload());
  }

  @Test
  void enqueueRefusesAPayloadThatSetsTheOrderingMembersItself() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            outbox.call(
                o -> o.enqueue("civicrm-site", "payment.failed", "{\"sequence\":9}", OCCURRED, 1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> outbox.call(o -> o.enqueue("civicrm-site", "payment.failed", "[]", OCCURRED, 1)));
  }
}
