package org.cmsbroker.audit;

import jakarta.persistence.CacheRetrieveMode;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The audit chain's database work, given an entity manager in a transaction: sealing pending rows
 * under the head's lock, verifying the chain page by page, and listing rows. Separate from the
 * beans so that tests run it on H2 and PostgreSQL directly.
 */
final class AuditChainStore {
  /** Rows read per page while verifying. */
  static final int PAGE = 1000;

  private AuditChainStore() {}

  /**
   * Seals up to {@code max} rows not yet in the chain, oldest id first, after locking the head:
   * concurrent sealers (other threads, other instances) wait for each other, so the chain stays one
   * line. A row committed late (a lower id after higher ones were sealed) is simply sealed later,
   * at the next position.
   *
   * @return the head after sealing
   */
  static AuditCheckpoint seal(EntityManager em, int max, OffsetDateTime now) {
    AuditChainHead head =
        em.find(AuditChainHead.class, AuditChainHead.ID, LockModeType.PESSIMISTIC_WRITE);
    if (head == null) {
      throw new IllegalStateException("audit_chain_head is missing its row");
    }
    List<SecurityEvent> pending =
        em.createQuery(
                "SELECT e FROM SecurityEvent e WHERE e.chainSeq IS NULL ORDER BY e.id",
                SecurityEvent.class)
            .setHint("eclipselink.refresh", "true")
            .setMaxResults(max)
            .getResultList();
    long seq = head.seq();
    String hash = head.hash();
    for (SecurityEvent e : pending) {
      seq++;
      hash = AuditChain.link(hash, seq, e);
      e.seal(seq, hash);
    }
    if (!pending.isEmpty()) {
      head.advance(seq, hash, now);
    }
    return new AuditCheckpoint(head.seq(), head.hash(), now.toInstant());
  }

  /**
   * Whether the chain in the database still extends {@code checkpoint}, the last one this instance
   * signed: the row at the checkpoint's position (or the anchor, when it is there) still has the
   * checkpointed hash and every row after it links up to the head. Reads only the rows sealed since
   * the checkpoint. The checkpoint signer asks this before it signs a new head, so a chain
   * rewritten in the database as a whole (rows and head recomputed) is never signed over and the
   * evidence, the old checkpoint, stays.
   *
   * @return empty when it does, else what is wrong
   */
  static Optional<String> continuityBreak(EntityManager em, AuditCheckpoint checkpoint) {
    AuditChainHead head = em.find(AuditChainHead.class, AuditChainHead.ID);
    em.refresh(head);
    long from = checkpoint.seq();
    if (from > head.seq()) {
      return Optional.of(
          "the chain's head (position "
              + head.seq()
              + ") is behind the last checkpoint (position "
              + from
              + "): rows were removed and the head rewound");
    }
    if (from < head.anchorSeq()) {
      // Pruned past the checkpoint (retention): the archive holds that part; nothing to compare.
      return Optional.empty();
    }
    String previous;
    if (from == head.anchorSeq()) {
      previous = head.anchorHash();
    } else {
      List<String> at =
          em.createQuery(
                  "SELECT e.chainHash FROM SecurityEvent e WHERE e.chainSeq = :seq", String.class)
              .setParameter("seq", from)
              .getResultList();
      previous = at.size() == 1 ? at.get(0) : null;
    }
    if (previous == null || !previous.equals(checkpoint.hash())) {
      return Optional.of(
          "position "
              + from
              + " no longer has the hash of the checkpoint of "
              + checkpoint.at()
              + ": the chain was rewritten in the database");
    }
    long expected = from + 1;
    while (expected <= head.seq()) {
      List<SecurityEvent> rows =
          em.createQuery(
                  "SELECT e FROM SecurityEvent e WHERE e.chainSeq >= :from ORDER BY e.chainSeq",
                  SecurityEvent.class)
              .setParameter("from", expected)
              .setHint("eclipselink.refresh", "true")
              .setMaxResults(PAGE)
              .getResultList();
      if (rows.isEmpty()) {
        break;
      }
      for (SecurityEvent e : rows) {
        if (e.chainSeq() != expected
            || !AuditChain.link(previous, expected, e).equals(e.chainHash())) {
          return Optional.of(
              "position "
                  + expected
                  + " does not follow from the checkpoint of "
                  + checkpoint.at()
                  + ": the chain was changed in the database");
        }
        previous = e.chainHash();
        expected++;
      }
    }
    if (expected - 1 != head.seq() || !previous.equals(head.hash())) {
      return Optional.of(
          "the chain's head (position "
              + head.seq()
              + ") does not follow from the checkpoint of "
              + checkpoint.at());
    }
    return Optional.empty();
  }

  /** The head as stored, without locking. */
  static AuditCheckpoint head(EntityManager em, OffsetDateTime now) {
    AuditChainHead head = em.find(AuditChainHead.class, AuditChainHead.ID);
    return new AuditCheckpoint(head.seq(), head.hash(), now.toInstant());
  }

  /**
   * Recomputes the chain from its anchor in position order and names the first row that was
   * changed, removed or moved; then compares the head and, when given, a checkpoint kept outside
   * the database (which catches a chain rewritten as a whole).
   */
  static AuditVerification verify(EntityManager em, AuditCheckpoint checkpoint) {
    AuditChainHead head = em.find(AuditChainHead.class, AuditChainHead.ID);
    em.refresh(head);
    String previous = head.anchorHash();
    long expected = head.anchorSeq() + 1;
    long checked = 0;
    String hashAtCheckpoint = null;
    if (checkpoint != null && checkpoint.seq() == head.anchorSeq()) {
      hashAtCheckpoint = head.anchorHash();
    }
    long unsealed =
        em.createQuery("SELECT COUNT(e) FROM SecurityEvent e WHERE e.chainSeq IS NULL", Long.class)
            .setHint("jakarta.persistence.cache.retrieveMode", CacheRetrieveMode.BYPASS)
            .getSingleResult();
    while (true) {
      TypedQuery<SecurityEvent> page =
          em.createQuery(
                  "SELECT e FROM SecurityEvent e WHERE e.chainSeq >= :from ORDER BY e.chainSeq",
                  SecurityEvent.class)
              .setParameter("from", expected)
              .setHint("jakarta.persistence.cache.retrieveMode", CacheRetrieveMode.BYPASS)
              .setHint("eclipselink.refresh", "true")
              .setMaxResults(PAGE);
      List<SecurityEvent> rows = page.getResultList();
      if (rows.isEmpty()) {
        break;
      }
      for (SecurityEvent e : rows) {
        if (e.chainSeq() != expected) {
          return broken(
              checked,
              expected - 1,
              null,
              expected,
              "the row at position "
                  + expected
                  + " is missing: removed from the database (the next one found is id "
                  + e.id()
                  + " at position "
                  + e.chainSeq()
                  + ")",
              unsealed,
              checkpoint);
        }
        String recomputed = AuditChain.link(previous, expected, e);
        if (!recomputed.equals(e.chainHash())) {
          return broken(
              checked,
              expected - 1,
              e.id(),
              expected,
              "row id "
                  + e.id()
                  + " at position "
                  + expected
                  + " does not match the chain: changed in the database, or moved there from"
                  + " another position",
              unsealed,
              checkpoint);
        }
        if (checkpoint != null && expected == checkpoint.seq()) {
          hashAtCheckpoint = e.chainHash();
        }
        previous = e.chainHash();
        expected++;
        checked++;
      }
      em.clear();
    }
    long last = expected - 1;
    if (last < head.seq()) {
      return broken(
          checked,
          last,
          null,
          last + 1,
          "the chain ends at position "
              + last
              + " but its head says "
              + head.seq()
              + ": the rows after it were removed",
          unsealed,
          checkpoint);
    }
    if (last > head.seq() || !previous.equals(head.hash())) {
      return broken(
          checked,
          last,
          null,
          head.seq(),
          "the chain's head (position " + head.seq() + ") does not match its last row",
          unsealed,
          checkpoint);
    }
    if (checkpoint != null && checkpoint.seq() >= head.anchorSeq()) {
      if (checkpoint.seq() > last) {
        return broken(
            checked,
            last,
            null,
            last + 1,
            "the checkpoint of "
                + checkpoint.at()
                + " covers position "
                + checkpoint.seq()
                + " but the chain ends at "
                + last
                + ": rows were removed and the head rewritten",
            unsealed,
            checkpoint);
      }
      if (hashAtCheckpoint != null && !hashAtCheckpoint.equals(checkpoint.hash())) {
        return broken(
            checked,
            last,
            null,
            checkpoint.seq(),
            "position "
                + checkpoint.seq()
                + " does not match the checkpoint of "
                + checkpoint.at()
                + ": the chain was rewritten in the database up to there",
            unsealed,
            checkpoint);
      }
    }
    return new AuditVerification(
        true,
        checked,
        last,
        null,
        null,
        "intact: "
            + checked
            + (checked == 1 ? " row" : " rows")
            + " in order up to position "
            + last
            + (checkpoint == null
                ? " (no checkpoint to compare with yet)"
                : ", matching the signed checkpoint of " + checkpoint.at()),
        unsealed,
        checkpoint);
  }

  private static AuditVerification broken(
      long checked,
      long last,
      Long rowId,
      long seq,
      String finding,
      long unsealed,
      AuditCheckpoint checkpoint) {
    return new AuditVerification(false, checked, last, rowId, seq, finding, unsealed, checkpoint);
  }

  /** The rows a prune takes out, with the chain around them. */
  record Pruned(
      long fromSeq, long toSeq, String previousHash, String lastHash, List<SecurityEvent> rows) {}

  /**
   * Takes the sealed rows from the anchor on that occurred before {@code cutoff}, in chain order
   * and without a gap, up to {@code max}; checks each against the chain (a broken chain is never
   * pruned: that would discard the evidence); hands them to {@code archive} (which must keep them
   * durably, or throw); then deletes them and moves the anchor to the last one, so verification of
   * what remains starts there. All under the head's lock, in the caller's transaction.
   *
   * @return what was pruned, or null when nothing was old enough
   * @throws IllegalStateException when the chain does not verify in the rows to prune
   */
  static Pruned prune(
      EntityManager em,
      OffsetDateTime cutoff,
      int max,
      java.util.function.Consumer<Pruned> archive) {
    AuditChainHead head =
        em.find(AuditChainHead.class, AuditChainHead.ID, LockModeType.PESSIMISTIC_WRITE);
    em.refresh(head);
    List<SecurityEvent> candidates =
        em.createQuery(
                "SELECT e FROM SecurityEvent e WHERE e.chainSeq > :anchor ORDER BY e.chainSeq",
                SecurityEvent.class)
            .setParameter("anchor", head.anchorSeq())
            .setHint("jakarta.persistence.cache.retrieveMode", CacheRetrieveMode.BYPASS)
            .setHint("eclipselink.refresh", "true")
            .setMaxResults(max)
            .getResultList();
    String previous = head.anchorHash();
    long expected = head.anchorSeq() + 1;
    List<SecurityEvent> taken = new java.util.ArrayList<>();
    for (SecurityEvent e : candidates) {
      if (!e.occurredAt().isBefore(cutoff)) {
        break;
      }
      if (e.chainSeq() != expected
          || !AuditChain.link(previous, expected, e).equals(e.chainHash())) {
        throw new IllegalStateException(
            "the audit chain does not verify at position " + expected + "; nothing was pruned");
      }
      taken.add(e);
      previous = e.chainHash();
      expected++;
    }
    if (taken.isEmpty()) {
      return null;
    }
    Pruned pruned =
        new Pruned(
            head.anchorSeq() + 1, expected - 1, head.anchorHash(), previous, List.copyOf(taken));
    archive.accept(pruned);
    em.createQuery("DELETE FROM SecurityEvent e WHERE e.chainSeq BETWEEN :a AND :b")
        .setParameter("a", pruned.fromSeq())
        .setParameter("b", pruned.toSeq())
        .executeUpdate();
    head.anchor(pruned.toSeq(), pruned.lastHash());
    return pruned;
  }

  /** Rows matching {@code query}, newest first. */
  static List<SecurityEvent> list(EntityManager em, AuditQuery query) {
    StringBuilder jpql =
        new StringBuilder("SELECT e FROM SecurityEvent e WHERE e.occurredAt >= :since");
    if (query.subject() != null) {
      jpql.append(" AND e.subjectId = :subject");
    }
    if (query.client() != null) {
      jpql.append(" AND e.clientId = :client");
    }
    if (query.type() != null) {
      jpql.append(" AND e.eventType = :type");
    }
    if (query.until() != null) {
      jpql.append(" AND e.occurredAt < :until");
    }
    jpql.append(" ORDER BY e.id DESC");
    TypedQuery<SecurityEvent> q =
        em.createQuery(jpql.toString(), SecurityEvent.class)
            .setParameter("since", query.since())
            .setMaxResults(query.limit());
    if (query.subject() != null) {
      q.setParameter("subject", query.subject());
    }
    if (query.client() != null) {
      q.setParameter("client", query.client());
    }
    if (query.type() != null) {
      q.setParameter("type", query.type());
    }
    if (query.until() != null) {
      q.setParameter("until", query.until());
    }
    return q.getResultList();
  }
}
