package org.cmsbroker.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cmsbroker.callback.TestOutboxes;
import org.cmsbroker.crypto.FieldCipher;
import org.cmsbroker.crypto.TestCiphers;
import org.cmsbroker.persistence.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sequence numbers of a payment's callbacks, taken from the payment locked as the webhook intake
 * locks it, on H2 (the default) and PostgreSQL.
 */
class PaymentCallbackSequenceTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PAYMENT = "pay_sequenceRace000000001";

  private static void insertPayment(TestDatabase db) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO payment (id, client_id, reference, amount, currency, description,"
                    + " return_url, mode, status, amount_refunded, disputed, idempotency_key,"
                    + " request_sha256, created_at, updated_at) VALUES (?, 'civicrm-site', '42',"
                    + " 5000, 'eur', 'Donation', 'https://crm.example.org/done', 'redirect',"
                    + " 'pending', 0, FALSE, 'k1', ?, ?, ?)")) {
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
      s.setString(1, PAYMENT);
      s.setString(2, "0".repeat(64));
      s.setObject(3, now);
      s.setObject(4, now);
      s.executeUpdate();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void twoOutcomesQueuedAtOnceForOnePaymentGetDistinctIncreasingSequenceNumbers(String database)
      throws Exception {
    FieldCipher cipher = TestCiphers.fresh(RANDOM);
    try (TestDatabase db = TestDatabase.named(database)) {
      insertPayment(db);
      CyclicBarrier start = new CyclicBarrier(2);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<String>> queued = new ArrayList<>();
        for (String type : List.of("payment.succeeded", "payment.refunded")) {
          queued.add(
              pool.submit(
                  () ->
                      db.inTransaction(
                          em -> {
                            await(start);
                            long sequence = nextSequence(em);
                            return TestOutboxes.on(em, cipher)
                                .enqueue(
                                    "civicrm-site",
                                    type,
                                    "{\"type\":\"" + type + "\"}",
                                    Instant.parse("2026-01-02T03:04:05Z"),
                                    sequence);
                          })));
        }
        Set<Long> sequences = new TreeSet<>();
        for (Future<String> f : queued) {
          String id = f.get();
          String payload = db.inTransaction(em -> TestOutboxes.payload(em, cipher, id));
          String number = payload.replaceAll(".*\"sequence\":([0-9]+).*", "$1");
          sequences.add(Long.parseLong(number));
        }
        assertEquals(Set.of(1L, 2L), sequences);
        try (Connection c = db.dataSource().getConnection();
            ResultSet r =
                c.createStatement()
                    .executeQuery(
                        "SELECT sequence_number FROM callback_message ORDER BY created_at, id")) {
          Set<Long> stored = new TreeSet<>();
          while (r.next()) {
            stored.add(r.getLong(1));
          }
          assertEquals(Set.of(1L, 2L), stored);
        }
        long next = db.inTransaction(em -> nextSequence(em));
        assertTrue(next == 3, "the next callback follows both: " + next);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static long nextSequence(EntityManager em) {
    Payment payment = em.find(Payment.class, PAYMENT, LockModeType.PESSIMISTIC_WRITE);
    long next = payment.nextCallbackSequence();
    em.flush();
    return next;
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
