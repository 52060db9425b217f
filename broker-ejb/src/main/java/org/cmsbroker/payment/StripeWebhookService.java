package org.cmsbroker.payment;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.callback.CallbackOutbox;
import org.cmsbroker.json.Jsonp;
import org.cmsbroker.payment.PaymentTransition.Decision;

/**
 * Applies one verified Stripe event to the broker's payments, in the caller's transaction (the
 * webhook intake, {@code org.cmsbroker.webhook}, records each event id once with the outcome
 * returned here): the payment the event belongs to goes through the {@link PaymentStateMachine}; a
 * change is stored together with one outbox message for the payment's client. When the state
 * machine is in doubt, nothing changes until Stripe's current objects are fetched (by the intake's
 * receiver) and the event handled again with them. The payload is never logged.
 *
 * <p><b>Binding.</b> An event is placed only by the ids the broker stored: the Checkout Session it
 * created ({@code stripe_checkout_session_id}) and, once known, that session's PaymentIntent
 * ({@code stripe_payment_intent_id}), which charges, refunds and disputes name. The session's
 * {@code client_reference_id} and the objects' {@code metadata.broker_payment_id} are claims that
 * must agree with what the ids found, never a way in. A completed or async-succeeded session must
 * carry the payment's {@code amount_total} and {@code currency}. A PaymentIntent not yet stored
 * whose metadata names a payment is attached only when Stripe's copy of the payment's own session
 * (fetched by the stored session id) names that PaymentIntent. Any disagreement changes nothing, is
 * recorded with its own outcome ({@link #REVIEW_OUTCOMES}) and as a security event {@value
 * #REFUSED_EVENT} carrying the Stripe event id, enqueues no callback, and is answered 200 (Stripe
 * must not retry); {@code broker.jar admin payments review} lists them. Every change of a payment's
 * state is recorded as a security event {@value #STATE_CHANGED_EVENT} in the same transaction.
 */
@Stateless
public class StripeWebhookService {
  private static final Logger LOG = Logger.getLogger(StripeWebhookService.class.getName());

  /** The outcome recorded when no payment of the broker matches the event. */
  public static final String NO_PAYMENT = "no_payment";

  /** A Checkout Session the broker did not create names one of its payments. */
  public static final String FOREIGN_SESSION = "foreign_session";

  /**
   * A PaymentIntent (or its charge, refund or dispute) that no payment holds names a payment by
   * metadata, and the payment's own Checkout Session does not lead to it.
   */
  public static final String FOREIGN_OBJECT = "foreign_object";

  /** The object was found by a stored id, but its metadata or reference names another payment. */
  public static final String CLAIM_MISMATCH = "claim_mismatch";

  /** A completed session's {@code amount_total} is not the payment's amount. */
  public static final String AMOUNT_MISMATCH = "amount_mismatch";

  /** A completed session's {@code currency} is not the payment's currency. */
  public static final String CURRENCY_MISMATCH = "currency_mismatch";

  /**
   * The event's PaymentIntent is attached to another payment, or differs from the one the payment
   * holds.
   */
  public static final String INTENT_ELSEWHERE = "intent_elsewhere";

  /** The Stripe library could not read the event's data object (see {@code webhook}). */
  public static final String UNPARSEABLE = "unparseable";

  /** The security event type of a refused Stripe event. */
  public static final String REFUSED_EVENT = "stripe.event_refused";

  /**
   * The security event type of a payment whose state changed (by a Stripe event, or by Stripe's
   * objects fetched), recorded in the same transaction as the change.
   */
  public static final String STATE_CHANGED_EVENT = "payment.state_changed";

  /** The outcomes an operator should look at: {@code broker.jar admin payments review}. */
  public static final Set<String> REVIEW_OUTCOMES =
      Set.of(
          FOREIGN_SESSION,
          FOREIGN_OBJECT,
          CLAIM_MISMATCH,
          AMOUNT_MISMATCH,
          CURRENCY_MISMATCH,
          INTENT_ELSEWHERE,
          UNPARSEABLE,
          "unreconciled");

  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject CallbackOutbox outbox;
  @Inject JpaRefundStore refunds;
  @Inject SecurityEvents securityEvents;

  /** The broker's clock ({@link org.cmsbroker.time.Clocks}); tests set their own. */
  @Inject Clock clock;

  /**
   * What handling an event did.
   *
   * @param duplicate true when the event id was already recorded (nothing changed)
   * @param outcome the outcome to record: a {@link Decision#code()}, {@link #NO_PAYMENT} or {@link
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
   * @param bindIntent when not null, the fetch decides whether this PaymentIntent (named by the
   *     event, claimed by its metadata) is the one of the payment's own Checkout Session
   */
  public record FetchTarget(
      String paymentId,
      String checkoutSessionId,
      String paymentIntentId,
      PaymentState seen,
      String bindIntent) {}

  /** Stripe's objects, fetched for {@code target}. */
  public record Fetched(FetchTarget target, StripeSnapshot snapshot) {}

  /** The outcome recorded when Stripe's fetched objects do not fit the payment (amounts differ). */
  public static final String UNRECONCILED = "unreconciled";

  /**
   * Handles {@code event} once, without fetched objects; see {@link #handle(StripeWebhookEvent,
   * Fetched)}.
   */
  public Result handle(StripeWebhookEvent event) {
    return handle(event, null);
  }

  /**
   * Handles {@code event} in the caller's transaction (the webhook intake, which records the event
   * id once with the outcome returned here). When the state machine needs Stripe's current objects
   * and {@code fetched} does not hold them for the payment's present state, nothing is changed and
   * the result names what to fetch ({@link Result#fetch()}).
   */
  public Result handle(StripeWebhookEvent event, Fetched fetched) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    boolean handled = PaymentStateMachine.handles(event.type());
    if (event.unparseable()) {
      return refuse(event, new Binding(null, UNPARSEABLE, null, null, null), now);
    }
    Binding binding = bind(event, fetched);
    if (binding.fetch() != null) {
      LOG.log(
          Level.INFO,
          "Stripe event {0} ({1}) claims payment {2}: its own Checkout Session is read from Stripe",
          new Object[] {event.id(), event.type(), binding.fetch().paymentId()});
      return new Result(
          false, Decision.NEEDS_FETCH.code(), binding.fetch().paymentId(), binding.fetch());
    }
    if (binding.refusal() != null) {
      return refuse(event, binding, now);
    }
    Payment payment = binding.payment();
    String outcome;
    if (payment == null) {
      outcome = NO_PAYMENT;
      // Unhandled types are summed up once a minute instead (by the webhook intake).
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
                  payment.id(), payment.stripeCheckoutSessionId(), paymentIntent, current, null));
        }
        String fetchedIntent = fetched.snapshot().paymentIntentId();
        if (heldElsewhere(payment, fetchedIntent)) {
          return refuse(
              event,
              new Binding(null, INTENT_ELSEWHERE, payment.id(), payment.clientId(), null),
              now);
        }
        transition = PaymentStateMachine.reconcile(current, fetched.snapshot(), event.created());
        payment.attachPaymentIntent(fetchedIntent);
      }
      payment.attachPaymentIntent(event.paymentIntentId());
      outcome = apply(payment, current, transition, event, now, event.created());
      if (fetched != null && transition.decision() == Decision.NEEDS_FETCH) {
        outcome = UNRECONCILED;
      }
      refunds.updateFromEvent(event, now);
    }
    em.flush();
    return new Result(false, outcome, payment == null ? null : payment.id(), null);
  }

  /**
   * Where an event belongs: a payment, a refusal (with the payment it named, if any), nothing
   * ({@link #NO_PAYMENT}), or first a fetch of the named payment's own Checkout Session.
   */
  record Binding(
      Payment payment,
      String refusal,
      String namedPaymentId,
      String namedClientId,
      FetchTarget fetch) {
    static Binding to(Payment payment) {
      return new Binding(payment, null, null, null, null);
    }

    static Binding refused(String refusal, Payment named) {
      return new Binding(
          null,
          refusal,
          named == null ? null : named.id(),
          named == null ? null : named.clientId(),
          null);
    }
  }

  /** A refused event: nothing changes, no callback, a security event (with the caller's). */
  private Result refuse(StripeWebhookEvent event, Binding binding, OffsetDateTime now) {
    LOG.log(
        Level.WARNING,
        "Stripe event {0} ({1}) refused: {2}; payment {3} left unchanged (see admin payments"
            + " review)",
        new Object[] {
          event.id(),
          event.type(),
          binding.refusal(),
          binding.namedPaymentId() == null ? "(none)" : binding.namedPaymentId()
        });
    securityEvents.recordWithCaller(
        REFUSED_EVENT,
        SecurityEvents.Outcome.REFUSED,
        binding.namedPaymentId(),
        binding.namedClientId(),
        "event="
            + event.id()
            + " type="
            + event.type()
            + " reason="
            + binding.refusal()
            + (event.objectId() == null ? "" : " object=" + event.objectId()));
    em.flush();
    return new Result(false, binding.refusal(), binding.namedPaymentId(), null);
  }

  /**
   * Places {@code event} by the ids the broker stored (see the class comment); the payments it
   * finds are locked for the rest of the transaction.
   */
  Binding bind(StripeWebhookEvent event, Fetched fetched) {
    String intent = event.paymentIntentId();
    if ("checkout.session".equals(event.objectType())) {
      Payment bySession =
          event.objectId() == null ? null : lockedBy("stripeCheckoutSessionId", event.objectId());
      if (bySession == null) {
        Payment named = claimed(event);
        return named == null ? Binding.to(null) : Binding.refused(FOREIGN_SESSION, named);
      }
      if (!claimsAgree(event, bySession)) {
        return Binding.refused(CLAIM_MISMATCH, bySession);
      }
      if (intent != null
          && (heldElsewhere(bySession, intent)
              || (bySession.stripePaymentIntentId() != null
                  && !bySession.stripePaymentIntentId().equals(intent)))) {
        return Binding.refused(INTENT_ELSEWHERE, bySession);
      }
      String money = moneyMismatch(event, bySession);
      return money == null ? Binding.to(bySession) : Binding.refused(money, bySession);
    }
    if (intent == null) {
      return Binding.to(null);
    }
    Payment byIntent = lockedBy("stripePaymentIntentId", intent);
    if (byIntent != null) {
      return claimsAgree(event, byIntent)
          ? Binding.to(byIntent)
          : Binding.refused(CLAIM_MISMATCH, byIntent);
    }
    Payment named = claimed(event);
    if (named == null) {
      return Binding.to(null);
    }
    // A PaymentIntent no payment holds yet, claimed by its metadata: only the payment's own
    // Checkout Session, read from Stripe by the id the broker stored, can vouch for it.
    if (named.stripePaymentIntentId() != null || named.stripeCheckoutSessionId() == null) {
      return Binding.refused(
          named.stripePaymentIntentId() != null ? INTENT_ELSEWHERE : FOREIGN_OBJECT, named);
    }
    Payment locked = em.find(Payment.class, named.id(), LockModeType.PESSIMISTIC_WRITE);
    if (fetched == null
        || !intent.equals(fetched.target().bindIntent())
        || !locked.id().equals(fetched.target().paymentId())) {
      return new Binding(
          null,
          null,
          null,
          null,
          new FetchTarget(
              locked.id(), locked.stripeCheckoutSessionId(), null, locked.state(), intent));
    }
    return intent.equals(fetched.snapshot().paymentIntentId())
        ? Binding.to(locked)
        : Binding.refused(FOREIGN_OBJECT, locked);
  }

  /** Whether the event's claims (metadata, client reference), where present, name {@code p}. */
  private static boolean claimsAgree(StripeWebhookEvent event, Payment p) {
    return (event.brokerPaymentId() == null || event.brokerPaymentId().equals(p.id()))
        && (event.clientReferenceId() == null || event.clientReferenceId().equals(p.id()));
  }

  /** The existing payment an event's claims name (metadata first), or null. Not locked. */
  private Payment claimed(StripeWebhookEvent event) {
    for (String id : new String[] {event.brokerPaymentId(), event.clientReferenceId()}) {
      if (id != null && id.startsWith("pay_") && id.length() <= 40) {
        Payment payment = em.find(Payment.class, id);
        if (payment != null) {
          return payment;
        }
      }
    }
    return null;
  }

  /**
   * For a session event that would take the money: {@link #AMOUNT_MISMATCH} or {@link
   * #CURRENCY_MISMATCH} when the session's amount or currency is not the payment's; else null.
   */
  private static String moneyMismatch(StripeWebhookEvent event, Payment payment) {
    if (!StripePaymentEvent.CHECKOUT_SESSION_COMPLETED.equals(event.type())
        && !StripePaymentEvent.CHECKOUT_SESSION_ASYNC_PAYMENT_SUCCEEDED.equals(event.type())) {
      return null;
    }
    if (event.amountTotal() == null || event.amountTotal() != payment.amount()) {
      return AMOUNT_MISMATCH;
    }
    if (event.currency() == null
        || !event
            .currency()
            .toLowerCase(Locale.ROOT)
            .equals(payment.currency().toLowerCase(Locale.ROOT))) {
      return CURRENCY_MISMATCH;
    }
    return null;
  }

  /** Whether another payment than {@code payment} holds the PaymentIntent {@code intent}. */
  private boolean heldElsewhere(Payment payment, String intent) {
    if (intent == null) {
      return false;
    }
    return !em.createQuery(
            "SELECT p.id FROM Payment p WHERE p.stripePaymentIntentId = :intent AND p.id <> :id",
            String.class)
        .setParameter("intent", intent)
        .setParameter("id", payment.id())
        .getResultList()
        .isEmpty();
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
    if (heldElsewhere(payment, snapshot.paymentIntentId())) {
      LOG.log(
          Level.WARNING,
          "Payment {0}: the PaymentIntent of its own Checkout Session is held by another payment;"
              + " not attached",
          paymentId);
    } else {
      payment.attachPaymentIntent(snapshot.paymentIntentId());
    }
    apply(payment, current, transition, null, now, at);
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

  /**
   * Stores {@code transition} if it applies, with one outbox message and one security event {@value
   * #STATE_CHANGED_EVENT}, all in the caller's transaction.
   *
   * @param event the Stripe event that decided it, or null when Stripe's objects were fetched
   */
  private String apply(
      Payment payment,
      PaymentState current,
      PaymentTransition transition,
      StripeWebhookEvent event,
      OffsetDateTime now,
      Instant occurredAt) {
    String source = event == null ? "fetched from Stripe" : event.id() + " (" + event.type() + ")";
    Decision decision = transition.decision();
    if (decision == Decision.APPLY) {
      PaymentState next = transition.state();
      payment.applyState(next, now);
      String eventType = callbackType(current, next);
      outbox.enqueue(
          payment.clientId(),
          payment.id(),
          eventType,
          payload(payment, eventType, next),
          occurredAt,
          payment.nextCallbackSequence());
      securityEvents.recordWithCaller(
          STATE_CHANGED_EVENT,
          SecurityEvents.Outcome.SUCCESS,
          payment.id(),
          payment.clientId(),
          stateChange(current, next, event));
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

  /**
   * The audit detail of a state change: {@code from=<status> to=<status>}, the refunded amount and
   * dispute flag when they moved, and the Stripe event (id and type) or {@code source=fetch}. Only
   * ids, codes and amounts the broker holds: no email, no card data, no payload.
   */
  static String stateChange(PaymentState before, PaymentState after, StripeWebhookEvent event) {
    StringBuilder detail =
        new StringBuilder("from=")
            .append(before.status().code())
            .append(" to=")
            .append(after.status().code());
    if (before.amountRefunded() != after.amountRefunded()) {
      detail.append(" amount_refunded=").append(after.amountRefunded());
    }
    if (before.disputed() != after.disputed()) {
      detail.append(" disputed=").append(after.disputed());
    }
    if (event == null) {
      detail.append(" source=fetch");
    } else {
      detail.append(" event=").append(event.id()).append(" type=").append(event.type());
    }
    return detail.toString();
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

  /**
   * The payment holding {@code value} in {@code field}, locked; null if none, or if (against the
   * rules) more than one does. No row limit: a lock with a limit is SQL that H2 refuses ({@code FOR
   * UPDATE LIMIT}), and the ids are unique in practice.
   */
  private Payment lockedBy(String field, String value) {
    List<Payment> found =
        em.createQuery("SELECT p FROM Payment p WHERE p." + field + " = :value", Payment.class)
            .setParameter("value", value)
            .setLockMode(LockModeType.PESSIMISTIC_WRITE)
            .getResultList();
    if (found.size() > 1) {
      LOG.log(
          Level.WARNING,
          "{0} payments hold the same Stripe id in {1}; the event is not placed",
          new Object[] {found.size(), field});
      return null;
    }
    return found.isEmpty() ? null : found.get(0);
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
        Jsonp.PROVIDER
            .createObjectBuilder()
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
