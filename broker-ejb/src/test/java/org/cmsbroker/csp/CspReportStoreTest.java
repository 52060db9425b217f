package org.cmsbroker.csp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import org.cmsbroker.persistence.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store on H2 with the real migrations, each call in its own transaction as in Payara. */
class CspReportStoreTest {
  private final TestDatabase database = new TestDatabase();
  private Instant now = Instant.parse("2026-03-01T10:00:00Z");

  @AfterEach
  void close() {
    database.close();
  }

  private <T> T call(Function<CspReportStore, T> work) {
    return database.inTransaction(
        em -> {
          CspReportStore store = new CspReportStore();
          store.em = em;
          store.clock = Clock.fixed(now, ZoneOffset.UTC);
          return work.apply(store);
        });
  }

  private static CspViolation violation(String origin, String agent) {
    return new CspViolation("/pay/{id}", "script-src-elem", origin, "enforce", agent);
  }

  @Test
  void repeatedViolationsAddToOneAggregate() {
    assertEquals(1L, (long) call(s -> s.record(violation("https://evil.example", "UA 1"))));
    now = now.plusSeconds(30);
    assertEquals(2L, (long) call(s -> s.record(violation("https://evil.example", "UA 2"))));
    assertEquals(1L, (long) call(s -> s.record(violation("https://other.example", null))));

    List<CspAggregate> recent = call(s -> s.recent(10));
    assertEquals(2, recent.size());
    CspAggregate evil =
        recent.stream()
            .filter(a -> a.blockedOrigin().equals("https://evil.example"))
            .findFirst()
            .orElseThrow();
    assertEquals(2, evil.count());
    assertEquals(Instant.parse("2026-03-01T10:00:00Z"), evil.firstSeen());
    assertEquals(Instant.parse("2026-03-01T10:00:30Z"), evil.lastSeen());
    assertEquals("UA 2", evil.sampleUserAgent());
  }

  @Test
  void recentListsTheLatestFirstUpToTheLimit() {
    for (int i = 0; i < 5; i++) {
      String origin = "https://o" + i + ".example";
      call(s -> s.record(violation(origin, null)));
      now = now.plusSeconds(1);
    }
    List<CspAggregate> recent = call(s -> s.recent(2));
    assertEquals(
        List.of("https://o4.example", "https://o3.example"),
        recent.stream().map(CspAggregate::blockedOrigin).toList());
  }

  @Test
  void aFloodOfNewKindsFillsNoMoreThanTheCapAndCountsTheRestAsOverflow() {
    // Fill up to the cap directly: the store's own path is one row per call.
    database.inTransaction(
        em -> {
          for (int i = 0; i < CspReportStore.MAX_AGGREGATES; i++) {
            CspViolation v = violation("https://flood" + i + ".example", null);
            em.persist(new CspReportEntry(v.aggregateKey(), v, now.atOffset(ZoneOffset.UTC)));
          }
          return null;
        });

    assertEquals(1L, (long) call(s -> s.record(violation("https://new1.example", null))));
    assertEquals(2L, (long) call(s -> s.record(violation("https://new2.example", null))));
    assertEquals(2L, (long) call(s -> s.record(violation("https://flood7.example", null))));

    long rows =
        database.inTransaction(
            em ->
                em.createQuery("SELECT COUNT(r) FROM CspReportEntry r", Long.class)
                    .getSingleResult());
    assertEquals(CspReportStore.MAX_AGGREGATES + 1, rows);
    CspAggregate overflow =
        call(s -> s.recent(CspReportStore.MAX_AGGREGATES + 1)).stream()
            .filter(a -> a.pagePath().equals(CspReportStore.OVERFLOW))
            .findFirst()
            .orElseThrow();
    assertEquals(2, overflow.count());
  }
}
