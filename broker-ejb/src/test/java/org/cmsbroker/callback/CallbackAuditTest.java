package org.cmsbroker.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.cmsbroker.persistence.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A callback the CRM took is in the audit log ({@code callback.delivered}: message id, client, HTTP
 * status), written with the outbox's own update, and never its payload. On H2 and PostgreSQL.
 */
class CallbackAuditTest {
  private static final Instant OCCURRED = Instant.parse("2026-01-02T03:04:05Z");
  private static final Duration LEASE = Duration.ofMinutes(1);
  private static final String PAYLOAD = "{\"payment_id\":\"pay_1\",\"email\":\"ada@example.org\"}";

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

  private LeasedMessage queuedAndLeased(String owner) {
    outbox.call(o -> o.enqueue("crm", "pay_1", "payment.succeeded", PAYLOAD, OCCURRED, 1));
    List<LeasedMessage> leased = outbox.call(o -> o.claimDue(owner, 10, LEASE));
    assertEquals(1, leased.size());
    return leased.get(0);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aDeliveredCallbackIsRecordedWithItsClientAndStatus(TestDatabase.Kind kind) {
    open(kind);
    LeasedMessage m = queuedAndLeased("broker-a");

    assertTrue(outbox.check(o -> o.markDelivered(m.id(), "crm", "broker-a", 204)));

    List<String> rows = db.auditRows(CallbackOutbox.DELIVERED_EVENT);
    assertEquals(
        List.of("callback.delivered|success|null|crm|null|message=" + m.id() + " status=204"),
        rows);
    assertFalse(rows.get(0).contains("ada@example.org"));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aDeliveryWhoseLeaseWasTakenOverIsNotRecorded(TestDatabase.Kind kind) {
    open(kind);
    LeasedMessage m = queuedAndLeased("broker-a");
    clock.advance(LEASE.plusSeconds(1));
    outbox.call(o -> o.claimDue("broker-b", 10, LEASE));

    assertFalse(outbox.check(o -> o.markDelivered(m.id(), "crm", "broker-a", 200)));

    assertEquals(List.of(), db.auditRows(CallbackOutbox.DELIVERED_EVENT));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aDeliveryClaimedForAnotherClientChangesAndRecordsNothing(TestDatabase.Kind kind) {
    open(kind);
    LeasedMessage m = queuedAndLeased("broker-a");

    assertFalse(outbox.check(o -> o.markDelivered(m.id(), "other-crm", "broker-a", 200)));

    assertEquals(
        CallbackStatus.DELIVERING, outbox.call(o -> o.find(m.id())).orElseThrow().status());
    assertEquals(List.of(), db.auditRows(CallbackOutbox.DELIVERED_EVENT));
  }
}
