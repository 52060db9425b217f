package org.cmsbroker.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.cmsbroker.audit.TestSecurityEvents;
import org.cmsbroker.callback.TestOutboxes;
import org.cmsbroker.crypto.FieldCipher;
import org.cmsbroker.crypto.TestCiphers;
import org.cmsbroker.persistence.TestDatabase;
import org.cmsbroker.webhook.StripeEventIntake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Payments are in the audit log, on H2 and PostgreSQL: a payment made, its state changed by a
 * Stripe event or by Stripe's objects fetched, a refund requested; each row written in the
 * transaction of the change (kept exactly when the change is), with ids, codes and amounts only:
 * never the donor's email, the client's reference or description.
 */
class PaymentAuditTest {
  private static final OffsetDateTime NOW =
      OffsetDateTime.of(2026, 1, 2, 8, 0, 0, 0, ZoneOffset.UTC);
  private static final String EMAIL = "ada.lovelace@example.org";
  private static final String IP = "203.0.113.9";
  private static final Map<String, TestDatabase> DATABASES = new ConcurrentHashMap<>();
  private static final FieldCipher CIPHER = TestCiphers.fresh(new SecureRandom());

  static Stream<String> databases() {
    return TestDatabase.names();
  }

  private static TestDatabase db(String name) {
    return DATABASES.computeIfAbsent(name, TestDatabase::named);
  }

  @AfterAll
  static void close() {
    DATABASES.values().forEach(TestDatabase::close);
  }

  private static List<String> rows(TestDatabase db, String type, String subject) {
    return db.inTransaction(
        em ->
            TestSecurityEvents.rows(em, type).stream()
                .filter(r -> r.split("\\|")[2].equals(subject))
                .toList());
  }

  private static String newId() {
    return "pay_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  private static Payment newPayment(String id, String idempotencyKey) {
    return new Payment(
        id,
        "cms",
        new NewPayment(
            50_000,
            "eur",
            "Donation of " + EMAIL,
            "ref-" + EMAIL,
            EMAIL,
            URI.create("https://cms.example.org/done"),
            URI.create("https://cms.example.org/cancel"),
            PaymentMode.REDIRECT),
        CIPHER.encrypt(PaymentService.DONOR_EMAIL_FIELD, id, EMAIL),
        idempotencyKey,
        "0".repeat(64),
        NOW);
  }

  private static void insert(TestDatabase db, Payment payment) {
    db.inTransaction(
        em -> {
          JpaPaymentStore store = new JpaPaymentStore();
          store.em = em;
          store.events = TestSecurityEvents.on(em);
          store.insert(payment, IP);
          return null;
        });
  }

  /** A stored pending payment whose Checkout Session is {@code cs_<id>}. */
  private static String pendingPayment(TestDatabase db) {
    String id = newId();
    Payment p = newPayment(id, "idem-" + id);
    p.attachCheckoutSession("cs_" + id, "https://checkout.stripe.com/x", null, null, NOW);
    insert(db, p);
    return id;
  }

  private static StripeWebhookService service(jakarta.persistence.EntityManager em) {
    StripeWebhookService service = new StripeWebhookService();
    service.em = em;
    service.clock = Clock.systemUTC();
    service.outbox = TestOutboxes.on(em, CIPHER);
    JpaRefundStore refunds = new JpaRefundStore();
    refunds.em = em;
    refunds.events = TestSecurityEvents.on(em);
    service.refunds = refunds;
    service.securityEvents = TestSecurityEvents.on(em);
    return service;
  }

  private static <T> T inIntake(TestDatabase db, Function<StripeEventIntake, T> work) {
    return db.inTransaction(
        em -> work.apply(new StripeEventIntake(em, service(em), Clock.systemUTC())));
  }

  private static StripeWebhookEvent completed(String paymentId) {
    return new StripeWebhookEvent(
        "evt_" + UUID.randomUUID().toString().replace("-", ""),
        "checkout.session.completed",
        Instant.parse("2026-01-02T08:01:00Z"),
        "cs_" + paymentId,
        "checkout.session",
        paymentId,
        paymentId,
        "paid",
        0,
        0,
        50_000L,
        "eur",
        "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16),
        "complete",
        null,
        false);
  }

  private static void assertNoPersonalData(List<String> rows) {
    for (String row : rows) {
      assertFalse(row.contains(EMAIL), row);
      assertFalse(row.contains("ada.lovelace"), row);
      assertFalse(row.contains("ref-"), row);
      assertFalse(row.contains("Donation"), row);
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aPaymentMadeIsRecordedWithItsClientAddressAndAmountButNotTheDonor(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db);

    List<String> rows = rows(db, JpaPaymentStore.CREATED_EVENT, id);

    assertEquals(
        List.of(
            "payment.created|success|"
                + id
                + "|cms|"
                + IP
                + "|amount=50000 currency=eur mode=redirect"),
        rows);
    assertNoPersonalData(rows);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aPaymentNotStoredIsNotRecorded(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db);
    Payment sameKey = newPayment(newId(), "idem-" + id);

    assertThrows(RuntimeException.class, () -> insert(db, sameKey));

    assertEquals(List.of(), rows(db, JpaPaymentStore.CREATED_EVENT, sameKey.id()));
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aStateChangedByAStripeEventIsRecordedWithTheEventId(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db);
    StripeWebhookEvent e = completed(id);

    assertEquals("apply", inIntake(db, s -> s.handle(e, null)).outcome());

    List<String> rows = rows(db, StripeWebhookService.STATE_CHANGED_EVENT, id);
    assertEquals(
        List.of(
            "payment.state_changed|success|"
                + id
                + "|cms|null|from=pending to=succeeded event="
                + e.id()
                + " type=checkout.session.completed"),
        rows);
    assertNoPersonalData(rows);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aStateChangedByStripesFetchedObjectsIsRecordedAsAFetch(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db);
    StripeSnapshot expired =
        new StripeSnapshot("expired", "unpaid", null, null, false, false, null, null, null);

    db.inTransaction(em -> service(em).applyFetched(id, expired, Instant.now()));

    assertEquals(
        List.of(
            "payment.state_changed|success|"
                + id
                + "|cms|null|from=pending to=expired"
                + " source=fetch"),
        rows(db, StripeWebhookService.STATE_CHANGED_EVENT, id));
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aStateChangeRolledBackLeavesNoAuditRow(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db);
    StripeWebhookEvent e = completed(id);

    assertThrows(
        IllegalStateException.class,
        () ->
            inIntake(
                db,
                s -> {
                  s.handle(e, null);
                  throw new IllegalStateException("the transaction fails after the change");
                }));

    assertEquals(List.of(), rows(db, StripeWebhookService.STATE_CHANGED_EVENT, id));
    assertEquals("pending", db.inTransaction(em -> em.find(Payment.class, id)).status());
  }

  @ParameterizedTest
  @MethodSource("databases")
  void theSameEventTwiceAtOnceIsRecordedOnce(String name) throws Exception {
    TestDatabase db = db(name);
    String id = pendingPayment(db);
    StripeWebhookEvent e = completed(id);
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<String> outcomes = new ArrayList<>();
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  StripeWebhookService.Result r = inIntake(db, s -> s.handle(e, null));
                  return r.duplicate() ? "duplicate" : r.outcome();
                }));
      }
      for (Future<String> answer : answers) {
        outcomes.add(answer.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    outcomes.sort(null);

    assertEquals(List.of("apply", "duplicate"), outcomes);
    assertEquals(1, rows(db, StripeWebhookService.STATE_CHANGED_EVENT, id).size());
  }

  private static PaymentRefund reserve(TestDatabase db, String paymentId, RefundRequest request) {
    return db.inTransaction(
        em -> {
          JpaRefundStore store = new JpaRefundStore();
          store.em = em;
          store.events = TestSecurityEvents.on(em);
          try {
            return store.reserve(
                "rfd_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20),
                "cms",
                paymentId,
                request,
                "refund-" + UUID.randomUUID(),
                "1".repeat(64),
                NOW,
                IP);
          } catch (PaymentRejectedException
              | PaymentConflictException
              | UnknownPaymentException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRefundRequestedIsRecordedWithItsAmountAndReason(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db);
    inIntake(db, s -> s.handle(completed(id), null));

    PaymentRefund refund = reserve(db, id, new RefundRequest(10_000L, "requested_by_customer"));

    List<String> rows = rows(db, JpaRefundStore.REQUESTED_EVENT, id);
    assertEquals(
        List.of(
            "payment.refund_requested|success|"
                + id
                + "|cms|"
                + IP
                + "|refund="
                + refund.id()
                + " amount=10000 reason=requested_by_customer"),
        rows);
    assertNoPersonalData(rows);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRefundRefusedBeforeItIsStoredIsNotRecordedAsRequested(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db);

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> reserve(db, id, new RefundRequest(null, null)));

    assertInstanceOf(PaymentConflictException.class, e.getCause(), "a pending payment");
    assertEquals(List.of(), rows(db, JpaRefundStore.REQUESTED_EVENT, id));
    assertTrue(rows(db, JpaPaymentStore.CREATED_EVENT, id).size() == 1);
  }
}
