package org.cmsbroker.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.callback.CallbackOutbox;
import org.cmsbroker.payment.StripeWebhookService.Fetched;
import org.cmsbroker.payment.StripeWebhookService.Result;
import org.cmsbroker.persistence.TestDatabase;
import org.cmsbroker.webhook.StripeEventIntake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An event moves a payment only when it is the broker's own: placed by the Checkout Session id the
 * broker stored and, once known, its PaymentIntent; claims (metadata, client reference) must agree;
 * a completed session must carry the payment's amount and currency. Each refusal changes nothing,
 * is recorded once with the Stripe event id and a security event, and tells the CRM nothing. On H2
 * and PostgreSQL.
 */
class StripeEventBindingTest {
  private static final OffsetDateTime NOW =
      OffsetDateTime.of(2026, 1, 2, 8, 0, 0, 0, ZoneOffset.UTC);
  private static final java.util.Map<String, TestDatabase> DATABASES =
      new java.util.concurrent.ConcurrentHashMap<>();

  static java.util.stream.Stream<String> databases() {
    return TestDatabase.names();
  }

  private static TestDatabase db(String name) {
    return DATABASES.computeIfAbsent(name, TestDatabase::named);
  }

  @AfterAll
  static void close() {
    DATABASES.values().forEach(TestDatabase::close);
  }

  /** What the service told the CRM and the security log, across the calls of one test. */
  private final List<String> callbacks = java.util.Collections.synchronizedList(new ArrayList<>());

  private final List<String> securityDetails = new ArrayList<>();

  private <T> T inService(TestDatabase db, Function<StripeEventIntake, T> work) {
    return db.inTransaction(
        em -> {
          StripeWebhookService service = new StripeWebhookService();
          service.em = em;
          service.clock = java.time.Clock.systemUTC();
          service.outbox =
              new CallbackOutbox() {
                @Override
                public String enqueue(
                    String clientId,
                    String subject,
                    String eventType,
                    String payloadJson,
                    java.time.Instant occurredAt,
                    long sequence) {
                  callbacks.add(eventType);
                  return "msg_test";
                }
              };
          JpaRefundStore refunds = new JpaRefundStore();
          refunds.em = em;
          service.refunds = refunds;
          service.securityEvents =
              new SecurityEvents() {
                @Override
                public void recordWithCaller(
                    String type, Outcome outcome, String subject, String client, String detail) {
                  securityDetails.add(type + " " + subject + " " + detail);
                }
              };
          return work.apply(new StripeEventIntake(em, service, java.time.Clock.systemUTC()));
        });
  }

  private Result handle(TestDatabase db, StripeWebhookEvent event) {
    return inService(db, s -> s.handle(event, null));
  }

  private Result handle(TestDatabase db, StripeWebhookEvent event, Fetched fetched) {
    return inService(db, s -> s.handle(event, fetched));
  }

  /** A pending payment of 500.00 EUR whose Checkout Session is {@code cs_<id>}. */
  private static String pendingPayment(TestDatabase db, String paymentIntent) {
    String id = "pay_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    db.inTransaction(
        em -> {
          Payment p =
              new Payment(
                  id,
                  "cms",
                  new NewPayment(
                      50_000,
                      "eur",
                      "Donation",
                      "ref-" + id,
                      null,
                      URI.create("https://cms.example.org/done"),
                      URI.create("https://cms.example.org/cancel"),
                      PaymentMode.REDIRECT),
                  null,
                  "idem-" + id,
                  "0".repeat(64),
                  NOW);
          p.attachCheckoutSession("cs_" + id, "https://checkout.stripe.com/x", null, null, NOW);
          p.attachPaymentIntent(paymentIntent);
          em.persist(p);
          return null;
        });
    return id;
  }

  private static Payment payment(TestDatabase db, String id) {
    return db.inTransaction(em -> em.find(Payment.class, id));
  }

  private String outcome(TestDatabase db, String eventId) {
    return inService(db, s -> s.outcome(eventId));
  }

  private static String eventId() {
    return "evt_" + UUID.randomUUID().toString().replace("-", "");
  }

  /** A session event: {@code sessionId}, claims, amount, currency and PaymentIntent as given. */
  private static StripeWebhookEvent session(
      String type,
      String sessionId,
      String metadata,
      String clientReference,
      Long amountTotal,
      String currency,
      String paymentIntent) {
    return new StripeWebhookEvent(
        eventId(),
        type,
        Instant.parse("2026-01-02T08:01:00Z"),
        sessionId,
        "checkout.session",
        metadata,
        clientReference,
        "paid",
        0,
        0,
        amountTotal,
        currency,
        paymentIntent,
        "complete",
        null,
        false);
  }

  private static StripeWebhookEvent completed(
      String sessionId, String metadata, String clientReference, long amount, String currency) {
    return session(
        "checkout.session.completed",
        sessionId,
        metadata,
        clientReference,
        amount,
        currency,
        "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
  }

  private static StripeWebhookEvent charge(String type, String paymentIntent, long refunded) {
    return new StripeWebhookEvent(
        eventId(),
        type,
        Instant.parse("2026-01-02T09:00:00Z"),
        "ch_1",
        "charge",
        null,
        null,
        null,
        50_000,
        refunded,
        null,
        "eur",
        paymentIntent,
        "succeeded",
        null,
        false);
  }

  private void assertRefused(TestDatabase db, String paymentId, StripeWebhookEvent e, String why) {
    Result result = handle(db, e);
    assertEquals(why, result.outcome());
    assertNull(result.fetch());
    assertEquals(why, outcome(db, e.id()), "recorded once, with its own outcome");
    assertEquals("pending", payment(db, paymentId).status());
    assertTrue(callbacks.isEmpty(), "the CRM hears nothing: " + callbacks);
    assertEquals(1, securityDetails.size(), securityDetails.toString());
    assertTrue(securityDetails.get(0).contains("event=" + e.id()), securityDetails.toString());
    assertTrue(securityDetails.get(0).contains("reason=" + why), securityDetails.toString());
    assertTrue(StripeWebhookService.REVIEW_OUTCOMES.contains(why));
  }

  @ParameterizedTest
  @MethodSource("databases")
  void foreignSessionNamingAPaymentByClientReferenceChangesNothing(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db, null);
    assertRefused(db, id, completed("cs_foreign", null, id, 100, "eur"), "foreign_session");
    assertNull(payment(db, id).stripePaymentIntentId(), "the attacker's PaymentIntent is not kept");
  }

  @ParameterizedTest
  @MethodSource("databases")
  void foreignSessionNamingAPaymentByMetadataChangesNothing(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db, null);
    assertRefused(db, id, completed("cs_foreign", id, null, 50_000, "eur"), "foreign_session");
  }

  @ParameterizedTest
  @MethodSource("databases")
  void foreignSessionNamingAPaymentByBothClaimsChangesNothing(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db, null);
    assertRefused(db, id, completed("cs_foreign", id, id, 50_000, "eur"), "foreign_session");
  }

  @ParameterizedTest
  @MethodSource("databases")
  void ownSessionWithAnotherAmountChangesNothing(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db, null);
    assertRefused(db, id, completed("cs_" + id, id, id, 100, "eur"), "amount_mismatch");
  }

  @ParameterizedTest
  @MethodSource("databases")
  void ownSessionWithAnotherCurrencyChangesNothing(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db, null);
    assertRefused(db, id, completed("cs_" + id, id, id, 50_000, "usd"), "currency_mismatch");
  }

  @ParameterizedTest
  @MethodSource("databases")
  void ownSessionWhoseClaimsNameAnotherPaymentChangesNothing(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db, null);
    String other = pendingPayment(db, null);
    assertRefused(db, id, completed("cs_" + id, other, id, 50_000, "eur"), "claim_mismatch");
  }

  @ParameterizedTest
  @MethodSource("databases")
  void paymentIntentAttachedToAnotherPaymentChangesNothing(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db, null);
    String intent = "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    pendingPayment(db, intent);
    assertRefused(
        db,
        id,
        session("checkout.session.completed", "cs_" + id, id, id, 50_000L, "eur", intent),
        "intent_elsewhere");
    assertNull(payment(db, id).stripePaymentIntentId());
  }

  @ParameterizedTest
  @MethodSource("databases")
  void genuineCompletedSessionSucceedsOnceWithOneCallback(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db, null);
    StripeWebhookEvent e = completed("cs_" + id, id, id, 50_000, "EUR");
    assertEquals("apply", handle(db, e).outcome());
    Payment after = payment(db, id);
    assertEquals("succeeded", after.status());
    assertEquals(e.paymentIntentId(), after.stripePaymentIntentId());
    assertEquals(List.of("payment.succeeded"), callbacks);
    assertEquals(
        List.of(
            "payment.state_changed "
                + id
                + " from=pending to=succeeded event="
                + e.id()
                + " type=checkout.session.completed"),
        securityDetails);
    assertTrue(handle(db, e).duplicate());
    assertEquals(1, callbacks.size());
    assertEquals(1, securityDetails.size(), "a repeat records nothing");
  }

  @ParameterizedTest
  @MethodSource("databases")
  void refundFoundOnlyByPaymentIntentIsApplied(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db, null);
    StripeWebhookEvent paid = completed("cs_" + id, id, id, 50_000, "eur");
    handle(db, paid);
    Result refund = handle(db, charge("charge.refunded", paid.paymentIntentId(), 10_000));
    assertEquals("apply", refund.outcome());
    assertEquals("partially_refunded", payment(db, id).status());
    assertEquals(List.of("payment.succeeded", "payment.partially_refunded"), callbacks);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void disputeFoundOnlyByPaymentIntentIsApplied(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db, null);
    StripeWebhookEvent paid = completed("cs_" + id, id, id, 50_000, "eur");
    handle(db, paid);
    StripeWebhookEvent dispute =
        new StripeWebhookEvent(
            eventId(),
            "charge.dispute.created",
            Instant.parse("2026-01-02T10:00:00Z"),
            "dp_1",
            "dispute",
            null,
            null,
            null,
            50_000,
            0,
            null,
            "eur",
            paid.paymentIntentId(),
            "needs_response",
            null,
            false);
    assertEquals("apply", handle(db, dispute).outcome());
    assertTrue(payment(db, id).disputed());
  }

  @ParameterizedTest
  @MethodSource("databases")
  void refundOfAnUnknownPaymentIntentChangesNothing(String name) {
    TestDatabase db = db(name);
    StripeWebhookEvent e = charge("charge.refunded", "pi_unknown_to_the_broker", 100);
    assertEquals(StripeWebhookService.NO_PAYMENT, handle(db, e).outcome());
    assertEquals(StripeWebhookService.NO_PAYMENT, outcome(db, e.id()));
    assertTrue(callbacks.isEmpty());
    assertTrue(securityDetails.isEmpty());
  }

  @ParameterizedTest
  @MethodSource("databases")
  void newPaymentIntentClaimedByMetadataIsPlacedOnlyWhenThePaymentsOwnSessionNamesIt(String name) {
    TestDatabase db = db(name);
    String id = pendingPayment(db, null);
    StripeWebhookEvent failed =
        new StripeWebhookEvent(
            eventId(),
            "payment_intent.payment_failed",
            Instant.parse("2026-01-02T08:02:00Z"),
            "pi_claimed",
            "payment_intent",
            id,
            null,
            null,
            50_000,
            0,
            null,
            "eur",
            "pi_claimed",
            "requires_payment_method",
            null,
            false);
    Result first = handle(db, failed);
    assertNotNull(first.fetch(), "the payment's own session must be read first");
    assertEquals("cs_" + id, first.fetch().checkoutSessionId(), "the session the broker stored");
    assertEquals("pi_claimed", first.fetch().bindIntent());
    assertNull(outcome(db, failed.id()), "nothing recorded before the fetch");

    StripeSnapshot otherIntent =
        new StripeSnapshot("open", "unpaid", "pi_other", null, false, false, null, null, null);
    Result refused = handle(db, failed, new Fetched(first.fetch(), otherIntent));
    assertEquals("foreign_object", refused.outcome());
    assertEquals("pending", payment(db, id).status());
    assertNull(payment(db, id).stripePaymentIntentId());

    StripeWebhookEvent again =
        new StripeWebhookEvent(
            eventId(),
            failed.type(),
            failed.created(),
            "pi_claimed",
            "payment_intent",
            id,
            null,
            null,
            50_000,
            0,
            null,
            "eur",
            "pi_claimed",
            "requires_payment_method",
            null,
            false);
    Result retry = handle(db, again);
    StripeSnapshot sameIntent =
        new StripeSnapshot("open", "unpaid", "pi_claimed", null, true, false, null, null, null);
    assertEquals("apply", handle(db, again, new Fetched(retry.fetch(), sameIntent)).outcome());
    assertEquals("failed", payment(db, id).status());
    assertEquals("pi_claimed", payment(db, id).stripePaymentIntentId());
  }

  @ParameterizedTest
  @MethodSource("databases")
  void unparseableEventIsRecordedForReviewAndChangesNothing(String name) {
    TestDatabase db = db(name);
    StripeWebhookEvent e =
        new StripeWebhookEvent(
            eventId(),
            "checkout.session.completed",
            Instant.parse("2026-01-02T08:00:00Z"),
            null,
            null,
            null,
            null,
            null,
            0,
            0,
            null,
            null,
            null,
            null,
            null,
            true);
    assertEquals(StripeWebhookService.UNPARSEABLE, handle(db, e).outcome());
    assertEquals(StripeWebhookService.UNPARSEABLE, outcome(db, e.id()));
    assertTrue(callbacks.isEmpty());
    assertEquals(1, securityDetails.size());
  }

  /** {@code e} handled twice at once: each intake's outcome, sorted ("duplicate" for a repeat). */
  private List<String> twiceAtOnce(TestDatabase db, StripeWebhookEvent e) throws Exception {
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    Result r = handle(db, e);
                    return r.duplicate() ? "duplicate" : r.outcome();
                  } catch (RuntimeException lost) {
                    // The race must not end in an exception (a failed insert of the same id is
                    // logged with a stack trace by EclipseLink).
                    return "threw " + lost;
                  }
                }));
      }
      List<String> outcomes = new ArrayList<>();
      for (java.util.concurrent.Future<String> answer : answers) {
        outcomes.add(answer.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
      outcomes.sort(null);
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void sameEventTwiceAtOnceIsAppliedOnceAndTheRepeatThrowsNothing(String name) throws Exception {
    TestDatabase db = db(name);
    String id = pendingPayment(db, null);
    StripeWebhookEvent e = completed("cs_" + id, id, id, 50_000, "eur");

    assertEquals(List.of("apply", "duplicate"), twiceAtOnce(db, e));

    assertEquals("succeeded", payment(db, id).status());
    assertEquals(List.of("payment.succeeded"), callbacks, "one callback");
  }

  @ParameterizedTest
  @MethodSource("databases")
  void sameEventOfNoPaymentTwiceAtOnceIsRecordedOnceAndTheRepeatThrowsNothing(String name)
      throws Exception {
    TestDatabase db = db(name);
    // No payment row to lock: only the event id's own lock keeps the two apart.
    StripeWebhookEvent e = charge("charge.refunded", "pi_unknown_to_the_broker", 100);

    assertEquals(List.of("duplicate", StripeWebhookService.NO_PAYMENT), twiceAtOnce(db, e));
    assertTrue(callbacks.isEmpty());
  }
}
