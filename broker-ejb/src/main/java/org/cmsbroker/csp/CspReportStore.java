package org.cmsbroker.csp;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * CSP violation aggregates in the database. A report adds to its aggregate's count; a new kind of
 * violation adds a row only while there are fewer than {@link #MAX_AGGREGATES}, after which it
 * counts towards one overflow aggregate, so a flood of forged reports cannot fill the disk. Each
 * call is its own transaction.
 */
@Stateless
public class CspReportStore {
  /** The most aggregates kept; further kinds of violation are counted as overflow. */
  public static final int MAX_AGGREGATES = 5_000;

  static final String OVERFLOW = "(overflow)";

  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject Clock clock;

  /**
   * Counts {@code violation} towards its aggregate (created if new and there is room).
   *
   * @return the aggregate's count after this report
   * @throws jakarta.persistence.PersistenceException if another report created the same aggregate
   *     at the same moment; the caller repeats the call, which then counts
   */
  public long record(CspViolation violation) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    String key = violation.aggregateKey();
    Long count = increment(key, violation, now);
    if (count != null) {
      return count;
    }
    long existing =
        em.createQuery("SELECT COUNT(r) FROM CspReportEntry r", Long.class).getSingleResult();
    if (existing >= MAX_AGGREGATES) {
      CspViolation overflow =
          new CspViolation(
              OVERFLOW, OVERFLOW, OVERFLOW, violation.disposition(), violation.userAgent());
      key = overflow.aggregateKey();
      count = increment(key, overflow, now);
      if (count != null) {
        return count;
      }
      violation = overflow;
    }
    em.persist(new CspReportEntry(key, violation, now));
    em.flush();
    return 1;
  }

  private Long increment(String key, CspViolation violation, OffsetDateTime now) {
    int updated =
        em.createQuery(
                "UPDATE CspReportEntry r SET r.count = r.count + 1, r.lastSeen = :now,"
                    + " r.disposition = :disposition, r.sampleUserAgent = :agent"
                    + " WHERE r.key = :key")
            .setParameter("now", now)
            .setParameter("disposition", violation.disposition())
            .setParameter("agent", violation.userAgent())
            .setParameter("key", key)
            .executeUpdate();
    if (updated == 0) {
      return null;
    }
    return em.createQuery("SELECT r.count FROM CspReportEntry r WHERE r.key = :key", Long.class)
        .setParameter("key", key)
        .getSingleResult();
  }

  /** The aggregates seen most recently first, at most {@code limit}. */
  public List<CspAggregate> recent(int limit) {
    return em
        .createQuery(
            "SELECT r FROM CspReportEntry r ORDER BY r.lastSeen DESC, r.key", CspReportEntry.class)
        .setMaxResults(limit)
        .getResultList()
        .stream()
        .map(CspReportEntry::view)
        .toList();
  }
}
