package org.cmsbroker.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.cmsbroker.persistence.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pump on the real outbox (H2 and PostgreSQL) with a fake receiver per client: continuous
 * dispatch, bounded parallelism per endpoint, one message of a payment at a time and in order, a
 * failing endpoint backing off alone.
 */
class DeliveryPumpTest {
  private static final Instant OCCURRED = Instant.parse("2026-01-02T03:04:05Z");
  private static final Duration LEASE = Duration.ofMinutes(1);
  private static final int PARALLELISM = 3;
  private static final int SENDERS = 8;

  private OutboxDatabase db;
  private OutboxDatabase.Outbox outbox;
  private final MutableClock clock = MutableClock.atStart();
  private final ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
  private final DeliveryLanes lanes =
      new DeliveryLanes(PARALLELISM, Duration.ofSeconds(1), Duration.ofSeconds(8), clock);

  /** What each receiver was sent, in the order the sends began. */
  private final Map<String, List<String>> sent = new ConcurrentHashMap<>();

  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> mostInFlight = new ConcurrentHashMap<>();
  private final AtomicInteger mostInFlightOverall = new AtomicInteger();
  private final AtomicInteger inFlightOverall = new AtomicInteger();
  private final Set<String> paymentsInFlight = ConcurrentHashMap.newKeySet();
  private final List<String> overlaps = Collections.synchronizedList(new ArrayList<>());

  /** The subject and sequence of each message id. */
  private final Map<String, String[]> messages = new ConcurrentHashMap<>();

  @AfterEach
  void close() {
    pool.shutdownNow();
    if (db != null) {
      db.close();
    }
  }

  private void open(TestDatabase.Kind kind) {
    db = new OutboxDatabase(kind);
    outbox = db.outbox(clock, new SplittableRandom(7));
  }

  private String enqueue(String client, String payment, long sequence) {
    String id =
        outbox.call(o -> o.enqueue(client, payment, "payment.updated", "{}", OCCURRED, sequence));
    messages.put(id, new String[] {payment, Long.toString(sequence)});
    return id;
  }

  /** A pump whose receivers answer with {@code answer} (client, message) after a short while. */
  private DeliveryPump pump(Function<LeasedMessage, DeliveryOutcome> answer) {
    DeliveryPump.Queue queue =
        new DeliveryPump.Queue() {
          @Override
          public List<LeasedMessage> claim(ClaimLimits limits) {
            return outbox.call(o -> o.claimDue("broker-a", limits, LEASE));
          }

          @Override
          public void settle(LeasedMessage m, DeliveryOutcome outcome) {
            if (outcome instanceof DeliveryOutcome.Delivered d) {
              outbox.check(o -> o.markDelivered(m.id(), m.clientId(), "broker-a", d.statusCode()));
            } else {
              outbox.call(o -> o.markFailed(m.id(), "broker-a", (DeliveryOutcome.Failure) outcome));
            }
            String payment = messages.get(m.id())[0];
            paymentsInFlight.remove(payment);
          }
        };
    DeliveryPump.Sender sender =
        m -> {
          String payment = messages.get(m.id())[0];
          if (!paymentsInFlight.add(payment)) {
            overlaps.add(payment);
          }
          sent.computeIfAbsent(m.clientId(), c -> Collections.synchronizedList(new ArrayList<>()))
              .add(m.id());
          int now =
              inFlight.computeIfAbsent(m.clientId(), c -> new AtomicInteger()).incrementAndGet();
          mostInFlight
              .computeIfAbsent(m.clientId(), c -> new AtomicInteger())
              .accumulateAndGet(now, Math::max);
          mostInFlightOverall.accumulateAndGet(inFlightOverall.incrementAndGet(), Math::max);
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          inFlight.get(m.clientId()).decrementAndGet();
          inFlightOverall.decrementAndGet();
          return answer.apply(m);
        };
    return new DeliveryPump(queue, sender, lanes, pool, SENDERS, () -> false);
  }

  private long delivered() {
    return outbox.call(o -> o.list(new OutboxFilter(null, CallbackStatus.DELIVERED, 1000))).size();
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void oneDrainDeliversTheWholeBacklogWithinEachEndpointsParallelism(TestDatabase.Kind kind) {
    open(kind);
    for (int i = 0; i < 60; i++) {
      enqueue("crm-a", "pay_a" + i, 1);
      enqueue("crm-b", "pay_b" + i, 1);
    }

    pump(m -> new DeliveryOutcome.Delivered(200)).drain();

    assertEquals(120, delivered());
    assertEquals(60, sent.get("crm-a").size());
    assertEquals(60, sent.get("crm-b").size());
    assertTrue(mostInFlight.get("crm-a").get() <= PARALLELISM, mostInFlight.toString());
    assertTrue(mostInFlight.get("crm-b").get() <= PARALLELISM, mostInFlight.toString());
    // Two endpoints were served at once (not one message at a time).
    assertTrue(mostInFlightOverall.get() > 1, mostInFlightOverall.toString());
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void thePaymentsMessagesGoOneAtATimeInSequenceOrder(TestDatabase.Kind kind) {
    open(kind);
    // Queued interleaved, so that several of one payment are due together.
    for (long sequence = 1; sequence <= 5; sequence++) {
      for (int p = 0; p < 4; p++) {
        enqueue("crm-a", "pay_" + p, sequence);
      }
    }

    pump(m -> new DeliveryOutcome.Delivered(200)).drain();

    assertEquals(20, delivered());
    assertEquals(List.of(), overlaps);
    Map<String, List<Long>> order = new HashMap<>();
    for (String id : sent.get("crm-a")) {
      String[] m = messages.get(id);
      order.computeIfAbsent(m[0], p -> new ArrayList<>()).add(Long.parseLong(m[1]));
    }
    for (List<Long> sequences : order.values()) {
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L), sequences);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aLaterMessageWaitsForTheEarlierOnesSuccess(TestDatabase.Kind kind) {
    open(kind);
    String first = enqueue("crm-a", "pay_1", 1);
    String second = enqueue("crm-a", "pay_1", 2);
    AtomicInteger attempts = new AtomicInteger();
    DeliveryPump pump =
        pump(
            m ->
                m.id().equals(first) && attempts.incrementAndGet() == 1
                    ? new DeliveryOutcome.Retry(400, "HTTP 400")
                    : new DeliveryOutcome.Delivered(200));

    pump.drain();
    assertEquals(List.of(first), sent.get("crm-a"));

    clock.advance(Duration.ofHours(1));
    pump.drain();
    assertEquals(List.of(first, first, second), sent.get("crm-a"));
    assertEquals(2, delivered());
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aFailingEndpointBacksOffAloneWhileTheOthersAreServed(TestDatabase.Kind kind) {
    open(kind);
    for (int i = 0; i < 30; i++) {
      enqueue("crm-down", "pay_d" + i, 1);
      enqueue("crm-up", "pay_u" + i, 1);
    }

    pump(m ->
            m.clientId().equals("crm-down")
                ? new DeliveryOutcome.Retry(503, "HTTP 503")
                : new DeliveryOutcome.Delivered(200))
        .drain();

    assertEquals(30, sent.get("crm-up").size());
    assertEquals(30, delivered());
    // The failing endpoint got no more than one lane's worth before it closed.
    assertTrue(sent.get("crm-down").size() <= PARALLELISM, sent.get("crm-down").toString());
    assertEquals(0, lanes.room("crm-down"));

    // Once its backoff has passed (and its messages' retries are due), one message probes it.
    clock.advance(Duration.ofHours(1));
    int before = sent.get("crm-down").size();
    pump(m -> new DeliveryOutcome.Delivered(200)).drain();
    assertEquals(60, delivered());
    assertEquals(30 + before, sent.get("crm-down").size());
    assertEquals(PARALLELISM, lanes.room("crm-down"));
  }
}
