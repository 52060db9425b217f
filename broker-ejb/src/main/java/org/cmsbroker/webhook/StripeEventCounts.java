package org.cmsbroker.webhook;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import org.cmsbroker.payment.StripeWebhookService;

/**
 * Counts of the recorded Stripe events (table {@code stripe_event}) by type and outcome, so that an
 * operator sees what Stripe sends and what the broker did with it, including the event types it
 * ignores (a Stripe endpoint configured with more events than the broker handles). Reads only
 * types, outcomes and times; no payload is stored.
 */
@Stateless
public class StripeEventCounts {
  @PersistenceContext(unitName = "broker")
  EntityManager em;

  /** The broker's clock ({@link org.cmsbroker.time.Clocks}); tests set their own. */
  @Inject Clock clock;

  /** The groups, most frequent first (ties by type, then outcome). */
  static final Comparator<StripeEventCount> ORDER =
      Comparator.comparingLong(StripeEventCount::count)
          .reversed()
          .thenComparing(StripeEventCount::type)
          .thenComparing(StripeEventCount::outcome);

  /**
   * The events received in the last {@code window}, grouped by type and outcome, most frequent
   * first.
   */
  public List<StripeEventCount> counts(Duration window) {
    OffsetDateTime since =
        OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).minus(window);
    List<Object[]> rows =
        em.createQuery(
                "SELECT e.type, e.outcome, COUNT(e), MAX(e.receivedAt) FROM StripeEventRecord e"
                    + " WHERE e.receivedAt >= :since GROUP BY e.type, e.outcome",
                Object[].class)
            .setParameter("since", since)
            .getResultList();
    return rows.stream()
        .map(
            r ->
                new StripeEventCount(
                    (String) r[0],
                    (String) r[1],
                    ((Number) r[2]).longValue(),
                    ((OffsetDateTime) r[3]).toInstant()))
        .sorted(ORDER)
        .toList();
  }

  /**
   * The events received in the last {@code window} that changed nothing because they did not agree
   * with the broker's payment ({@link StripeWebhookService#REVIEW_OUTCOMES}), newest first, at most
   * {@code max}.
   */
  public List<StripeEventReview> review(Duration window, int max) {
    OffsetDateTime since =
        OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).minus(window);
    List<Object[]> rows =
        em.createQuery(
                "SELECT e.eventId, e.type, e.outcome, e.paymentId, e.receivedAt"
                    + " FROM StripeEventRecord e WHERE e.receivedAt >= :since"
                    + " AND e.outcome IN :outcomes ORDER BY e.receivedAt DESC, e.eventId",
                Object[].class)
            .setParameter("since", since)
            .setParameter("outcomes", StripeWebhookService.REVIEW_OUTCOMES)
            .setMaxResults(max)
            .getResultList();
    return rows.stream()
        .map(
            r ->
                new StripeEventReview(
                    (String) r[0],
                    (String) r[1],
                    (String) r[2],
                    (String) r[3],
                    ((OffsetDateTime) r[4]).toInstant()))
        .toList();
  }
}
