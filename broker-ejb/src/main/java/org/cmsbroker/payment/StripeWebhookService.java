package org.cmsbroker.payment;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.Json;
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
 * else {@code client_reference_id}, else the Checkout Session id) goes through the {@link
 * PaymentStateMachine}; a change is stored together with one outbox message for the payment's
 * client. A repeat of a recorded event id changes nothing. The payload is never logged.
 */
@Stateless
public class StripeWebhookService {
  private static final Logger LOG = Logger.getLogger(StripeWebhookService.class.getName());

  /** The outcome recorded when no payment of the broker matches the event. */
  public static final String NO_PAYMENT = "no_payment";

  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject CallbackOutbox outbox;

  private final Clock clock = Clock.systemUTC();

  /**
   * What handling an event did.
   *
   * @param duplicate true when the event id was already recorded (nothing changed)
   * @param outcome the recorded outcome: a {@link Decision#code()} or {@link #NO_PAYMENT}
   * @param paymentId the payment the event concerned, or null
   */
  public record Result(boolean duplicate, String outcome, String paymentId) {}

  /** Whether the event id has been recorded. */
  public boolean recorded(String eventId) {
    return em.find(StripeEventRecord.class, eventId) != null;
  }

  /**
   * Handles {@code event} once. A concurrent handler of the same event id makes this one fail at
   * the insert (primary key), rolling back everything it did; the caller then finds it {@link
   * #recorded}.
   */
  public Result handle(StripeWebhookEvent event) {
    StripeEventRecord seen = em.find(StripeEventRecord.class, event.id());
    if (seen != null) {
      return new Result(true, seen.outcome(), null);
    }
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    Payment payment = findPayment(event);
    String outcome;
    if (payment == null) {
      outcome = NO_PAYMENT;
      LOG.log(
          Level.INFO,
          "Stripe event {0} ({1}) names no payment of this broker; ignored",
          new Object[] {event.id(), event.type()});
    } else {
      outcome = apply(payment, event, now);
    }
    em.persist(
        new StripeEventRecord(
            event.id(), event.type(), now, payment == null ? null : payment.id(), outcome));
    em.flush();
    return new Result(false, outcome, payment == null ? null : payment.id());
  }

  private String apply(Payment payment, StripeWebhookEvent event, OffsetDateTime now) {
    PaymentState current =
        new PaymentState(
            PaymentService.status(payment.status()),
            payment.amount(),
            payment.amountRefunded(),
            payment.disputed(),
            payment.lastEventAt() == null ? null : payment.lastEventAt().toInstant());
    PaymentTransition transition;
    try {
      transition = PaymentStateMachine.decide(current, paymentEvent(event));
    } catch (IllegalArgumentException e) {
      // The event's amounts do not fit the payment.
      transition = new PaymentTransition(Decision.NEEDS_FETCH, current);
    }
    Decision decision = transition.decision();
    if (decision == Decision.APPLY) {
      PaymentState next = transition.state();
      payment.applyState(next, now);
      String eventType = callbackType(current, next);
      outbox.enqueue(payment.clientId(), eventType, payload(payment, eventType, next));
      LOG.log(
          Level.INFO,
          "Payment {0}: Stripe event {1} ({2}) applied, now {3}",
          new Object[] {payment.id(), event.id(), event.type(), next.status().code()});
    } else if (decision == Decision.NEEDS_FETCH) {
      LOG.log(
          Level.WARNING,
          "Payment {0}: Stripe event {1} ({2}) needs the object fetched from Stripe; recorded as"
              + " needs_fetch",
          new Object[] {payment.id(), event.id(), event.type()});
    } else {
      LOG.log(
          Level.FINE,
          "Payment {0}: Stripe event {1} ({2}) ignored: {3}",
          new Object[] {payment.id(), event.id(), event.type(), decision.code()});
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
      return em
          .createQuery(
              "SELECT p FROM Payment p WHERE p.stripeCheckoutSessionId = :session", Payment.class)
          .setParameter("session", event.objectId())
          .setLockMode(LockModeType.PESSIMISTIC_WRITE)
          .setMaxResults(1)
          .getResultList()
          .stream()
          .findFirst()
          .orElse(null);
    }
    return null;
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
    return Json.createObjectBuilder()
        .add("type", eventType)
        .add("payment_id", payment.id())
        .add("reference", payment.reference())
        .add("status", state.status().code())
        .add("amount", payment.amount())
        .add("currency", payment.currency())
        .add("amount_refunded", state.amountRefunded())
        .add("disputed", state.disputed())
        .build()
        .toString();
  }
}
