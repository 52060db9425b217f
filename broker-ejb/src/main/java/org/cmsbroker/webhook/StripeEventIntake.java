package org.cmsbroker.webhook;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.payment.PaymentStateMachine;
import org.cmsbroker.payment.StripeWebhookEvent;
import org.cmsbroker.payment.StripeWebhookService;
import org.cmsbroker.payment.StripeWebhookService.Fetched;
import org.cmsbroker.payment.StripeWebhookService.Result;

/**
 * Takes in one verified Stripe event, in one transaction: its id is recorded once (table {@code
 * stripe_event}) with the outcome the payments gave it ({@link StripeWebhookService}); a repeat of
 * a recorded id changes nothing. When the payments need Stripe's current objects nothing is
 * recorded (the {@link StripeEventReceiver} fetches them and hands the event in again). Intakes of
 * one event id are serialised before the id is looked up: each first locks the row of the id's
 * stripe (table {@code stripe_event_lock}, {@value #STRIPES} rows), so a second delivery of the
 * same event at once waits for the first to commit and then finds the id recorded, with no failed
 * insert and no exception in the log. Types the broker does not handle are summed up in one log
 * line a minute.
 */
@Stateless
public class StripeEventIntake {
  private static final Logger LOG = Logger.getLogger(StripeEventIntake.class.getName());

  /** Rows of {@code stripe_event_lock}: event ids are spread over this many locks. */
  static final int STRIPES = 64;

  /** Shared by every instance of this bean: one line a minute about unhandled event types. */
  private static final UnhandledEventTypeLog UNHANDLED = new UnhandledEventTypeLog();

  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject StripeWebhookService payments;

  /** The broker's clock ({@link org.cmsbroker.time.Clocks}). */
  @Inject Clock clock;

  /** For the container. */
  public StripeEventIntake() {}

  /** For tests outside this package: this entity manager, these payments and this clock. */
  public StripeEventIntake(EntityManager em, StripeWebhookService payments, Clock clock) {
    this.em = em;
    this.payments = payments;
    this.clock = clock;
  }

  /** Whether the event id has been recorded. */
  public boolean recorded(String eventId) {
    return em.find(StripeEventRecord.class, eventId) != null;
  }

  /** The outcome recorded for the event id, or null. */
  public String outcome(String eventId) {
    StripeEventRecord record = em.find(StripeEventRecord.class, eventId);
    return record == null ? null : record.outcome();
  }

  /**
   * Takes in {@code event} once; {@code fetched} are Stripe's objects the payments asked for, or
   * null.
   */
  public Result handle(StripeWebhookEvent event, Fetched fetched) {
    lock(event.id());
    StripeEventRecord seen = em.find(StripeEventRecord.class, event.id());
    if (seen != null) {
      LOG.log(Level.FINE, "Stripe event {0} is a repeat; nothing changed", event.id());
      return new Result(true, seen.outcome(), null, null);
    }
    Result result = payments.handle(event, fetched);
    if (result.fetch() != null) {
      return result;
    }
    em.persist(
        new StripeEventRecord(
            event.id(),
            event.type(),
            OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC),
            result.paymentId(),
            result.outcome()));
    em.flush();
    if (!PaymentStateMachine.handles(event.type())) {
      UNHANDLED.record(event.type(), clock.instant()).ifPresent(LOG::warning);
    }
    return result;
  }

  /**
   * Locks {@code eventId}'s stripe until the transaction ends. An UPDATE rather than a SELECT ...
   * FOR UPDATE: it locks the row on H2 and PostgreSQL alike, and as a write it runs on the
   * transaction's own connection.
   */
  private void lock(String eventId) {
    int updated =
        em.createNativeQuery("UPDATE stripe_event_lock SET stripe = stripe WHERE stripe = ?")
            .setParameter(1, stripe(eventId))
            .executeUpdate();
    if (updated != 1) {
      throw new IllegalStateException("stripe_event_lock is incomplete; see migration V19");
    }
  }

  /** The stripe of {@code eventId}, 0 to {@link #STRIPES} - 1. */
  static int stripe(String eventId) {
    return Math.floorMod(eventId.hashCode(), STRIPES);
  }
}
