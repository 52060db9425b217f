package org.cmsbroker.payment;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.callback.CallbackOutbox;
import org.cmsbroker.payment.PaymentTransition.Decision;
import org.cmsbroker.webhook.StripeWebhookEvent;

/**
 * Applies one verified Stripe event, in one transaction: the event id is recorded once (table
 * {@code stripe_event}); the payment named by the event (its {@code metadata.broker_payment_id},
 * else {@code client_reference_id}, else the Checkout Session id, else the PaymentIntent id) goes
 * through the {@link PaymentStateMachine}; a change is stored together with one outbox message for
 * the payment's client. A repeat of a recorded event id changes nothing. When the state machine is
 * in doubt, nothing is recorded until Stripe's current objects are fetched (by {@link
 * StripeEventReceiver}) and the event handled again with them. The payload is never logged.
 */
@Stateless
public class StripeWebhookService {
  private static final Logger LOG = Logger.getLogger(StripeWebhookService.class.getName());

  /** The outcome recorded when no payment of the broker matches the event. */
  public static final String NO_PAYMENT = "no_payment";

  /** Shared by every instance of this bean: one line a minute about unhandled event types. */
  private static final UnhandledEventTypeLog UNHANDLED =
      new UnhandledEventTypeLog(Clock.systemUTC());

  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject CallbackOutbox outbox;
  @Inject JpaRefundStore refunds;

  private final Clock clock = Clock.systemUTC();

  /**
   * What handling an event did.
   *
   * @param duplicate true when the event id was already recorded (nothing changed)
   * @param outcome the recorded outcome: a {@link Decision#code()}, {@link #NO_PAYMENT} or {@link
   *     #UNRECONCILED}; {@code needs_fetch} when {@link #fetch()} is set
   * @param paymentId the payment the event concerned, or null
   * @param fetch when not null, nothing was recorded: Stripe's objects named here must be fetched
   *     and the event handled again with them
   */
  public record Result(boolean duplicate, String outcome, String paymentId, FetchTarget fetch) {}

  /**
   * What to fetch from Stripe to settle an event, and the payment's state when that was decided.
   *
   * @param checkoutSessionId the payment's Checkout Session, or null
   * @param paymentIntentId the payment's (or the event's) PaymentIntent, or null
   * @param seen the payment's state the decision was made on; the fetched objects are applied only
   *     if it is still the same
   */
  public record FetchTarget(
      String paymentId, String checkoutSessionId, String paymentIntentId, PaymentState seen) {}

  /** Stripe's objects, fetched for {@code target}. */
  public record Fetched(FetchTarget target, StripeSnapshot snapshot) {}

  /** The outcome recorded when Stripe's fetched objects do not fit the payment (amounts differ). */
  public static final String UNRECONCILED = "unreconciled";

  /** Whether the event id has been recorded. */
  public boolean recorded(String eventId) {
    return em.find(StripeEventRecord.class, eventId) != null;
  }

  /**
   * Handles {@code event} once, without fetched objects; see {@link #handle(StripeWebhookEvent,
   * Fetched)}.
   */
  public Result handle(StripeWebhookEvent event) {
    return handle(event, null);
  }

  /**
   * Handles {@code event} once. When the state machine needs Stripe's current objects and {@code
   * fetched} does not hold them for the payment's present state, nothing is recorded and the result
   * names what to fetch ({@link Result#fetch()}). A concurrent handler of the same event id makes
   * this one fail at the insert (primary key), rolling back everything it did; the caller then
   * finds it {@link #recorded}.
   */
  public Result handle(StripeWebhookEvent event, Fetched fetched) {
    StripeEventRecord seen = em.find(StripeEventRecord.class, event.id());
    if (seen != null) {
      return new Result(true, seen.outcome(), null, null);
    }
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    Payment payment = findPayment(event);
    String outcome;
    boolean handled = PaymentStateMachine.handles(event.type());
    if (payment == null) {
      outcome = NO_PAYMENT;
      // Unhandled types are summed up once a minute instead (below).
      LOG.log(
          handled ? Level.INFO : Level.FINE,
          "Stripe event {0} ({1}) names no payment of this broker; ignored",
          new Object[] {event.id(), event.type()});
    } else {
      PaymentState current = payment.state();
      PaymentTransition transition = decide(current, event);
      if (transition.decision() == Decision.NEEDS_FETCH) {
        if (fetched == null
            || !fetched.target().paymentId().equals(payment.id())
            || !fetched.target().seen().equals(current)) {
          String paymentIntent =
              payment.stripePaymentIntentId() != null
                  ? payment.stripePaymentIntentId()
                  : event.paymentIntentId();
          LOG.log(
              Level.INFO,
              "Payment {0}: Stripe event {1} ({2}) needs Stripe''s current objects",
              new Object[] {payment.id(), event.id(), event.type()});
          return new Result(
              false,
              Decision.NEEDS_FETCH.code(),
              payment.id(),
              new FetchTarget(
                  payment.id(), payment.stripeCheckoutSessionId(), paymentIntent, current));
        }
        transition = PaymentStateMachine.reconcile(current, fetched.snapshot(), event.created());
        payment.attachPaymentIntent(fetched.snapshot().paymentIntentId());
      }
      payment.attachPaymentIntent(event.paymentIntentId());
      outcome =
          apply(
              payment,
              current,
              transition,
              event.id() + " (" + event.type() + ")",
              now,
              event.created());
      if (fetched != null && transition.decision() == Decision.NEEDS_FETCH) {
        outcome = UNRECONCILED;
      }
      refunds.updateFromEvent(event, now);
    }
    em.persist(
        new StripeEventRecord(
            event.id(), event.type(), now, payment == null ? null : payment.id(), outcome));
    em.flush();
    if (!handled) {
      UNHANDLED.record(event.type()).ifPresent(LOG::warning);
    }
    return new Result(false, outcome, payment == null ? null : payment.id(), null);
  }

  /**
   * Applies Stripe's current objects for payment {@code paymentId} (read at {@code at}), with one
   * outbox message if its state changed; the cancel and refund paths use it after calling Stripe.
   *
   * @return the decision taken
   */
  public Decision applyFetched(String paymentId, StripeSnapshot snapshot, Instant at) {
    Payment payment = em.find(Payment.class, paymentId, LockModeType.PESSIMISTIC_WRITE);
    if (payment == null) {
      throw new IllegalStateException("payment " + paymentId + " vanished");
    }
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    PaymentState current = payment.state();
    PaymentTransition transition = PaymentStateMachine.reconcile(current, snapshot, at);
    payment.attachPaymentIntent(snapshot.paymentIntentId());
    apply(payment, current, transition, "fetched from Stripe", now, at);
    return transition.decision();
  }

  private static PaymentTransition decide(PaymentState current, StripeWebhookEvent event) {
    try {
      return PaymentStateMachine.decide(current, paymentEvent(event));
    } catch (IllegalArgumentException e) {
      // The event's amounts do not fit the payment.
      return new PaymentTransition(Decision.NEEDS_FETCH, current);
    }
  }

  private String apply(
      Payment payment,
      PaymentState current,
      PaymentTransition transition,
      String source,
      OffsetDateTime now,
      Instant occurredAt) {
    Decision decision = transition.decision();
    if (decision == Decision.APPLY) {
      PaymentState next = transition.state();
      payment.applyState(next, now);
      String eventType = callbackType(current, next);
      outbox.enqueue(
          payment.clientId(),
          eventType,
          payload(payment, eventType, next),
          occurredAt,
          CallbackSequences.next(em, payment.id()));
      LOG.log(
          Level.INFO,
          "Payment {0}: {1} applied, now {2}",
          new Object[] {payment.id(), source, next.status().code()});
    } else if (decision == Decision.NEEDS_FETCH) {
      LOG.log(
          Level.WARNING,
          "Payment {0}: {1} does not fit the payment (amounts differ); left unchanged",
          new Object[] {payment.id(), source});
    } else {
      LOG.log(
          Level.FINE,
          "Payment {0}: {1} ignored: {2}",
          new Object[] {payment.id(), source, decision.code()});
    }
    return decision.code();
  }

  static StripePaymentEvent paymentEvent(StripeWebhookEvent event) {
    Instant created = event.created();
    return switch (event.type()) {
      case StripePaymentEvent.CHECKOUT_SESSION_COMPLETED ->
          StripePaymentEvent.checkoutSessionCompleted(created, event.paymentStatus());
      case StripePaymentEvent.CHARGE_REFUNDED ->
          StripePaymentEvent.chargeRefunded(created, event.amount(), event.amountRefunded());
      default -> StripePaymentEvent.of(event.type(), created);
    };
  }

  private Payment findPayment(StripeWebhookEvent event) {
    for (String id : new String[] {event.brokerPaymentId(), event.clientReferenceId()}) {
      if (id != null && id.startsWith("pay_") && id.length() <= 40) {
        Payment payment = em.find(Payment.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (payment != null) {
          return payment;
        }
      }
    }
    if ("checkout.session".equals(event.objectType()) && event.objectId() != null) {
      Payment payment = findBy("stripeCheckoutSessionId", event.objectId());
      if (payment != null) {
        return payment;
      }
    }
    if (event.paymentIntentId() != null) {
      return findBy("stripePaymentIntentId", event.paymentIntentId());
    }
    return null;
  }

  private Payment findBy(String field, String value) {
    return em
        .createQuery("SELECT p FROM Payment p WHERE p." + field + " = :value", Payment.class)
        .setParameter("value", value)
        .setLockMode(LockModeType.PESSIMISTIC_WRITE)
        .setMaxResults(1)
        .getResultList()
        .stream()
        .findFirst()
        .orElse(null);
  }

  /** {@code payment.<new status>}, or {@code payment.disputed} when only the dispute flag moved. */
  static String callbackType(PaymentState before, PaymentState after) {
    if (before.status() != after.status()) {
      return "payment." + after.status().code();
    }
    if (!before.disputed() && after.disputed()) {
      return "payment.disputed";
    }
    return "payment.updated";
  }

  /** The callback body: no card data, no email. */
  static String payload(Payment payment, String eventType, PaymentState state) {
    JsonObjectBuilder json =
        Json.createObjectBuilder()
            .add("type", eventType)
            .add("payment_id", payment.id())
            .add("reference", payment.reference())
            .add("status", state.status().code())
            .add("amount", payment.amount())
            .add("currency", payment.currency())
            .add("amount_refunded", state.amountRefunded())
            .add("disputed", state.disputed());
    if (payment.stripePaymentIntentId() != null) {
      json.add("transaction_id", payment.stripePaymentIntentId());
    }
    return json.build().toString();
  }
}
