package org.cmsbroker.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cmsbroker.persistence.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The audit chain on H2 and PostgreSQL: sealing, verifying, and each way of tampering. */
class AuditChainTest {
  private static final OffsetDateTime T0 =
      OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);

  static List<String> databases() {
    return TestDatabase.names().toList();
  }

  private static List<Long> write(TestDatabase db, int n) {
    return db.inTransaction(
        em -> {
          List<Long> ids = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            SecurityEvent e =
                new SecurityEvent(
                    T0.plusSeconds(i), "login", "success", "acct-" + i, "site", "10.0.0.1", null);
            em.persist(e);
            em.flush();
            ids.add(e.id());
          }
          return ids;
        });
  }

  private static AuditCheckpoint seal(TestDatabase db) {
    return db.inTransaction(em -> AuditChainStore.seal(em, 1000, T0));
  }

  private static AuditVerification verify(TestDatabase db, AuditCheckpoint checkpoint) {
    return db.inTransaction(em -> AuditChainStore.verify(em, checkpoint));
  }

  private static void sql(TestDatabase db, String statement) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void sealedRowsVerifyAndMatchTheirCheckpoint(String database) {
    try (TestDatabase db = TestDatabase.named(database)) {
      write(db, 5);
      AuditCheckpoint head = seal(db);
      assertEquals(5, head.seq());
      write(db, 2);
      assertEquals(7, seal(db).seq());
      AuditVerification v = verify(db, head);
      assertTrue(v.intact(), v.finding());
      assertEquals(7, v.rowsChecked());
      assertEquals(0, v.unsealed());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void anEmptyChainVerifies(String database) {
    try (TestDatabase db = TestDatabase.named(database)) {
      AuditVerification v = verify(db, null);
      assertTrue(v.intact(), v.finding());
      assertEquals(0, v.rowsChecked());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRowEditedInTheDatabaseIsNamed(String database) throws Exception {
    try (TestDatabase db = TestDatabase.named(database)) {
      List<Long> ids = write(db, 6);
      seal(db);
      sql(db, "UPDATE security_event SET outcome = 'failure' WHERE id = " + ids.get(3));
      AuditVerification v = verify(db, null);
      assertFalse(v.intact());
      assertEquals(ids.get(3), v.brokenRowId());
      assertEquals(4L, v.brokenSeq());
      assertTrue(v.finding().contains("row id " + ids.get(3)), v.finding());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRowRemovedFromTheMiddleIsNamedByItsPosition(String database) throws Exception {
    try (TestDatabase db = TestDatabase.named(database)) {
      List<Long> ids = write(db, 6);
      seal(db);
      sql(db, "DELETE FROM security_event WHERE id = " + ids.get(2));
      AuditVerification v = verify(db, null);
      assertFalse(v.intact());
      assertEquals(3L, v.brokenSeq());
      assertTrue(v.finding().contains("position 3 is missing"), v.finding());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void twoRowsSwappedInOrderAreNamed(String database) throws Exception {
    try (TestDatabase db = TestDatabase.named(database)) {
      List<Long> ids = write(db, 5);
      seal(db);
      sql(db, "UPDATE security_event SET chain_seq = -1 WHERE id = " + ids.get(1));
      sql(db, "UPDATE security_event SET chain_seq = 2 WHERE id = " + ids.get(2));
      sql(db, "UPDATE security_event SET chain_seq = 3 WHERE id = " + ids.get(1));
      AuditVerification v = verify(db, null);
      assertFalse(v.intact());
      assertEquals(2L, v.brokenSeq());
      assertEquals(ids.get(2), v.brokenRowId());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void theNewestRowsRemovedAreFoundByTheHead(String database) throws Exception {
    try (TestDatabase db = TestDatabase.named(database)) {
      List<Long> ids = write(db, 4);
      seal(db);
      sql(db, "DELETE FROM security_event WHERE id = " + ids.get(3));
      AuditVerification v = verify(db, null);
      assertFalse(v.intact());
      assertTrue(v.finding().contains("removed"), v.finding());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aChainRewrittenAsAWholeIsCaughtByTheCheckpoint(String database) throws Exception {
    try (TestDatabase db = TestDatabase.named(database)) {
      List<Long> ids = write(db, 4);
      AuditCheckpoint checkpoint = seal(db);
      rewriteWholeChain(db, ids.get(1));
      assertTrue(verify(db, null).intact(), "without a checkpoint the rewrite is consistent");
      AuditVerification v = verify(db, checkpoint);
      assertFalse(v.intact());
      assertEquals(4L, v.brokenSeq());
      assertTrue(v.finding().contains("rewritten"), v.finding());
    }
  }

  /**
   * What someone with write access to the database does to hide a change: changes row {@code id}
   * and recomputes every hash after it, and the head, so the chain alone is consistent again.
   */
  private static void rewriteWholeChain(TestDatabase db, long id) throws Exception {
    sql(db, "UPDATE security_event SET detail = 'nothing happened' WHERE id = " + id);
    db.inTransaction(
        em -> {
          String previous = AuditChain.GENESIS;
          for (SecurityEvent e :
              em.createQuery(
                      "SELECT e FROM SecurityEvent e ORDER BY e.chainSeq", SecurityEvent.class)
                  .setHint("eclipselink.refresh", "true")
                  .getResultList()) {
            String hash = AuditChain.link(previous, e.chainSeq(), e);
            em.createNativeQuery("UPDATE security_event SET chain_hash = ?1 WHERE id = ?2")
                .setParameter(1, hash)
                .setParameter(2, e.id())
                .executeUpdate();
            previous = hash;
          }
          em.createNativeQuery("UPDATE audit_chain_head SET hash = ?1")
              .setParameter(1, previous)
              .executeUpdate();
          return null;
        });
  }

  private static Optional<String> continuity(TestDatabase db, AuditCheckpoint checkpoint) {
    return db.inTransaction(em -> AuditChainStore.continuityBreak(em, checkpoint));
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aChainThatOnlyGrewStillExtendsTheLastCheckpoint(String database) throws Exception {
    try (TestDatabase db = TestDatabase.named(database)) {
      write(db, 3);
      AuditCheckpoint checkpoint = seal(db);
      write(db, 2);
      seal(db);
      assertEquals(Optional.empty(), continuity(db, checkpoint));
      assertEquals(Optional.empty(), continuity(db, seal(db)), "a checkpoint of the head itself");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aChainRewrittenAsAWholeNoLongerExtendsTheLastCheckpointSoItIsNotSignedOver(String database)
      throws Exception {
    try (TestDatabase db = TestDatabase.named(database)) {
      List<Long> ids = write(db, 4);
      AuditCheckpoint checkpoint = seal(db);
      write(db, 1);
      seal(db);
      rewriteWholeChain(db, ids.get(1));
      Optional<String> broken = continuity(db, checkpoint);
      assertTrue(broken.isPresent());
      assertTrue(broken.get().contains("position 4"), broken.get());
      assertTrue(broken.get().contains("rewritten"), broken.get());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRowChangedAfterTheCheckpointBreaksContinuity(String database) throws Exception {
    try (TestDatabase db = TestDatabase.named(database)) {
      write(db, 2);
      AuditCheckpoint checkpoint = seal(db);
      List<Long> later = write(db, 2);
      seal(db);
      sql(db, "UPDATE security_event SET detail = 'nothing happened' WHERE id = " + later.get(1));
      Optional<String> broken = continuity(db, checkpoint);
      assertTrue(broken.isPresent());
      assertTrue(broken.get().contains("position 4"), broken.get());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aHeadRewoundBehindTheLastCheckpointBreaksContinuity(String database) throws Exception {
    try (TestDatabase db = TestDatabase.named(database)) {
      write(db, 3);
      AuditCheckpoint checkpoint = seal(db);
      sql(db, "DELETE FROM security_event WHERE chain_seq = 3");
      sql(db, "UPDATE audit_chain_head SET seq = 2");
      Optional<String> broken = continuity(db, checkpoint);
      assertTrue(broken.isPresent());
      assertTrue(broken.get().contains("behind the last checkpoint"), broken.get());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void rowsRemovedAfterTheCheckpointWithTheHeadRewoundAreCaught(String database) throws Exception {
    try (TestDatabase db = TestDatabase.named(database)) {
      List<Long> ids = write(db, 4);
      AuditCheckpoint checkpoint = seal(db);
      String hashAt2 =
          db.inTransaction(
              em ->
                  em.find(
                          SecurityEvent.class,
                          ids.get(1),
                          java.util.Map.of("eclipselink.refresh", "true"))
                      .chainHash());
      sql(db, "DELETE FROM security_event WHERE id IN (" + ids.get(2) + ", " + ids.get(3) + ")");
      sql(db, "UPDATE audit_chain_head SET seq = 2, hash = '" + hashAt2 + "'");
      assertTrue(verify(db, null).intact());
      AuditVerification v = verify(db, checkpoint);
      assertFalse(v.intact());
      assertTrue(v.finding().contains("removed"), v.finding());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void twoSealersAtOnceMakeOneChain(String database) throws Exception {
    try (TestDatabase db = TestDatabase.named(database)) {
      write(db, 40);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      CountDownLatch go = new CountDownLatch(1);
      try {
        List<Future<AuditCheckpoint>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          Callable<AuditCheckpoint> run =
              () -> {
                go.await();
                return db.inTransaction(em -> AuditChainStore.seal(em, 25, T0));
              };
          runs.add(pool.submit(run));
        }
        go.countDown();
        long a = runs.get(0).get().seq();
        long b = runs.get(1).get().seq();
        assertEquals(40, Math.max(a, b));
        assertNotEquals(a, b);
      } finally {
        pool.shutdownNow();
      }
      AuditVerification v = verify(db, null);
      assertTrue(v.intact(), v.finding());
      assertEquals(40, v.rowsChecked());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRowWrittenButNotYetSealedIsCountedNotFlagged(String database) {
    try (TestDatabase db = TestDatabase.named(database)) {
      write(db, 2);
      seal(db);
      write(db, 1);
      AuditVerification v = verify(db, null);
      assertTrue(v.intact(), v.finding());
      assertEquals(1, v.unsealed());
      assertNull(v.brokenSeq());
    }
  }

  private static List<Long> writeAt(TestDatabase db, OffsetDateTime... times) {
    return db.inTransaction(
        em -> {
          List<Long> ids = new ArrayList<>();
          for (OffsetDateTime t : times) {
            SecurityEvent e = new SecurityEvent(t, "login", "success", "a", "site", null, null);
            em.persist(e);
            em.flush();
            ids.add(e.id());
          }
          return ids;
        });
  }

  @ParameterizedTest
  @MethodSource("databases")
  void pruningOldRowsKeepsWhatRemainsVerifiableAndHandsThemToTheArchiveFirst(String database) {
    try (TestDatabase db = TestDatabase.named(database)) {
      writeAt(db, T0.minusDays(40), T0.minusDays(35), T0.minusDays(31), T0.minusDays(2), T0);
      AuditCheckpoint before = seal(db);
      List<AuditChainStore.Pruned> archived = new ArrayList<>();
      AuditChainStore.Pruned pruned =
          db.inTransaction(em -> AuditChainStore.prune(em, T0.minusDays(30), 1000, archived::add));
      assertEquals(1, pruned.fromSeq());
      assertEquals(3, pruned.toSeq());
      assertEquals(AuditChain.GENESIS, pruned.previousHash());
      assertEquals(List.of(pruned), archived);
      // The archive alone recomputes to the hash the remaining chain starts from.
      String hash = pruned.previousHash();
      long seq = pruned.fromSeq();
      for (SecurityEvent e : pruned.rows()) {
        hash = AuditChain.link(hash, seq++, e);
      }
      assertEquals(pruned.lastHash(), hash);

      AuditVerification v = verify(db, before);
      assertTrue(v.intact(), v.finding());
      assertEquals(2, v.rowsChecked());
      long left =
          db.inTransaction(
              em ->
                  em.createQuery("SELECT COUNT(e) FROM SecurityEvent e", Long.class)
                      .getSingleResult());
      assertEquals(2, left);
      assertNull(
          db.inTransaction(em -> AuditChainStore.prune(em, T0.minusDays(30), 1000, archived::add)),
          "nothing more is old enough");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aBrokenChainIsNeverPrunedAndTheArchiveIsNotWritten(String database) throws Exception {
    try (TestDatabase db = TestDatabase.named(database)) {
      List<Long> ids = writeAt(db, T0.minusDays(40), T0.minusDays(39), T0.minusDays(38));
      seal(db);
      sql(db, "UPDATE security_event SET detail = 'x' WHERE id = " + ids.get(1));
      List<AuditChainStore.Pruned> archived = new ArrayList<>();
      IllegalStateException refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalStateException.class,
              () -> db.inTransaction(em -> AuditChainStore.prune(em, T0, 1000, archived::add)));
      assertTrue(refused.getMessage().contains("position 2"), refused.getMessage());
      assertTrue(archived.isEmpty());
      long left =
          db.inTransaction(
              em ->
                  em.createQuery("SELECT COUNT(e) FROM SecurityEvent e", Long.class)
                      .getSingleResult());
      assertEquals(3, left);
    }
  }
}
