package org.cmsbroker.audit;

import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.util.List;

/** For tests of other packages: security events written to the database, and read back. */
public final class TestSecurityEvents {
  private TestSecurityEvents() {}

  /** Security events that join {@code em}'s transaction, as the container's bean would. */
  public static SecurityEvents on(EntityManager em) {
    return on(em, Clock.systemUTC());
  }

  /** Security events that join {@code em}'s transaction, dated by {@code clock}. */
  public static SecurityEvents on(EntityManager em, Clock clock) {
    SecurityEvents events = new SecurityEvents();
    events.em = em;
    events.clock = clock;
    return events;
  }

  /** One stored row, as {@code type|outcome|subject|client|remote ip|detail}. */
  public static String row(SecurityEvent e) {
    return String.join(
        "|",
        e.eventType(),
        e.outcome(),
        String.valueOf(e.subjectId()),
        String.valueOf(e.clientId()),
        String.valueOf(e.remoteIp()),
        String.valueOf(e.detail()));
  }

  /** The stored rows of {@code type}, oldest first, read in {@code em}'s transaction. */
  public static List<String> rows(EntityManager em, String type) {
    return em
        .createQuery(
            "SELECT e FROM SecurityEvent e WHERE e.eventType = :type ORDER BY e.id",
            SecurityEvent.class)
        .setParameter("type", type)
        .getResultList()
        .stream()
        .map(TestSecurityEvents::row)
        .toList();
  }
}
