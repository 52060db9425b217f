package org.cmsbroker.payment;

import static org.cmsbroker.payment.PaymentTransition.Decision.APPLY;
import static org.cmsbroker.payment.PaymentTransition.Decision.IGNORE_NO_CHANGE;
import static org.cmsbroker.payment.PaymentTransition.Decision.IGNORE_STALE;
import static org.cmsbroker.payment.PaymentTransition.Decision.IGNORE_UNKNOWN_TYPE;
import static org.cmsbroker.payment.PaymentTransition.Decision.NEEDS_FETCH;

import java.time.Instant;
import java.util.Objects;
import org.cmsbroker.payment.PaymentTransition.Decision;

/**
 * Decides what a verified Stripe event does to a payment. Stripe delivers events at least once and
 * in any order, so an event never moves a payment backwards:
 *
 * <ul>
 *   <li>{@code checkout.session.completed} with {@code payment_status} {@code paid} and {@code
 *       checkout.session.async_payment_succeeded} lead to {@link PaymentStatus#SUCCEEDED}; {@code
 *       unpaid} (a delayed payment method) means still {@link PaymentStatus#PENDING}; any other
 *       payment status needs a fetch;
 *   <li>{@code checkout.session.async_payment_failed} and {@code payment_intent.payment_failed}
 *       lead to {@link PaymentStatus#FAILED}, {@code checkout.session.expired} to {@link
 *       PaymentStatus#EXPIRED};
 *   <li>{@code charge.refunded} leads to {@link PaymentStatus#REFUNDED} when its {@code
 *       amount_refunded} equals its {@code amount}, else to {@link
 *       PaymentStatus#PARTIALLY_REFUNDED};
 *   <li>{@code charge.dispute.created} (and any other {@code charge.dispute.*}) sets {@link
 *       PaymentState#disputed()}, status unchanged;
 *   <li>{@code refund.failed} needs a fetch (the charge's {@code amount_refunded} went down); other
 *       {@code refund.*} events change nothing here ({@code charge.refunded} carries the amounts);
 *   <li>any other type is ignored as {@link Decision#IGNORE_UNKNOWN_TYPE}.
 * </ul>
 *
 * <p>Ordering: statuses are ranked (pending, then failed or expired, then succeeded, then partially
 * refunded, then refunded); an event leading to a lower rank is {@link Decision#IGNORE_STALE}, to
 * the same status {@link Decision#IGNORE_NO_CHANGE}. A success outranks a failure whatever the
 * times, because Checkout lets the donor retry after a declined attempt and a success means money
 * moved. Between failed and expired, which share a rank, the event's {@code created} time decides:
 * only a strictly newer one replaces the other (Stripe's times have one-second resolution, so ties
 * keep what is there). Refunds are ordered by the charge's cumulative {@code amount_refunded},
 * which only grows, rather than by time. A refund or dispute on a payment not yet known to have
 * succeeded is {@link Decision#NEEDS_FETCH}: its success event is still on its way, or the event
 * does not fit the payment, and Stripe's current object decides.
 *
 * <p>Stateless and thread-safe. Deduplication by event id happens before this.
 */
public final class PaymentStateMachine {

  private PaymentStateMachine() {}

  /**
   * Whether {@link #decide} acts on events of {@code type}; every other type is {@link
   * Decision#IGNORE_UNKNOWN_TYPE}, whatever the payment (a Stripe endpoint sending more types than
   * the broker needs).
   */
  public static boolean handles(String type) {
    return switch (type) {
      case StripePaymentEvent.CHECKOUT_SESSION_COMPLETED,
              StripePaymentEvent.CHECKOUT_SESSION_ASYNC_PAYMENT_SUCCEEDED,
              StripePaymentEvent.CHECKOUT_SESSION_ASYNC_PAYMENT_FAILED,
              StripePaymentEvent.PAYMENT_INTENT_PAYMENT_FAILED,
              StripePaymentEvent.CHECKOUT_SESSION_EXPIRED,
              StripePaymentEvent.CHARGE_REFUNDED,
              StripePaymentEvent.CHARGE_DISPUTE_CREATED,
              StripePaymentEvent.REFUND_FAILED ->
          true;
      default ->
          type.startsWith(StripePaymentEvent.CHARGE_DISPUTE_PREFIX)
              || type.startsWith(StripePaymentEvent.REFUND_PREFIX);
    };
  }

  /**
   * What {@code event} does to a payment in state {@code current}.
   *
   * @return the decision and the resulting state ({@code current} itself unless {@link
   *     Decision#APPLY})
   */
  public static PaymentTransition decide(PaymentState current, StripePaymentEvent event) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(event, "event");
    if (!handles(event.type())) {
      return unchanged(IGNORE_UNKNOWN_TYPE, current);
    }
    return switch (event.type()) {
      case StripePaymentEvent.CHECKOUT_SESSION_COMPLETED -> completed(current, event);
      case StripePaymentEvent.CHECKOUT_SESSION_ASYNC_PAYMENT_SUCCEEDED ->
          toward(current, event, PaymentStatus.SUCCEEDED);
      case StripePaymentEvent.CHECKOUT_SESSION_ASYNC_PAYMENT_FAILED,
              StripePaymentEvent.PAYMENT_INTENT_PAYMENT_FAILED ->
          toward(current, event, PaymentStatus.FAILED);
      case StripePaymentEvent.CHECKOUT_SESSION_EXPIRED ->
          toward(current, event, PaymentStatus.EXPIRED);
      case StripePaymentEvent.CHARGE_REFUNDED -> refunded(current, event);
      case StripePaymentEvent.CHARGE_DISPUTE_CREATED -> disputed(current, event);
      case StripePaymentEvent.REFUND_FAILED -> unchanged(NEEDS_FETCH, current);
        // The other handled types: any charge.dispute.* or refund.* (see handles).
      default ->
          event.type().startsWith(StripePaymentEvent.CHARGE_DISPUTE_PREFIX)
              ? disputed(current, event)
              : unchanged(IGNORE_NO_CHANGE, current);
    };
  }

  /**
   * What Stripe's current objects ({@code fetched}, read at {@code at}) do to a payment in state
   * {@code current}; used when an event left doubt ({@link Decision#NEEDS_FETCH}) and when an
   * expire call answered the session.
   *
   * <p>Once Stripe has taken the money, its latest charge is the truth about refunds and disputes:
   * the status follows the charge's {@code amount_refunded} (which goes down only when a refund
   * fails), and the dispute flag, once set, stays. Before that, the fetched status only moves the
   * payment forward as events do: {@code expired} for an expired session, {@code failed} for a
   * failed attempt, else {@code pending}; a fetched {@code pending} does not undo a {@code failed}.
   *
   * @return {@link Decision#APPLY} with the new state, {@link Decision#IGNORE_NO_CHANGE} when
   *     Stripe agrees with {@code current}, or {@link Decision#NEEDS_FETCH} when the charge's
   *     amounts do not fit the payment (left for an operator; the payment is not touched)
   */
  public static PaymentTransition reconcile(
      PaymentState current, StripeSnapshot fetched, Instant at) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(fetched, "fetched");
    Objects.requireNonNull(at, "at");
    PaymentStatus status;
    long refunded = current.amountRefunded();
    boolean disputed = current.disputed() || Boolean.TRUE.equals(fetched.chargeDisputed());
    if (fetched.moneyTaken()) {
      Long chargeAmount = fetched.chargeAmount();
      Long chargeRefunded = fetched.chargeAmountRefunded();
      if (chargeAmount != null) {
        long r = chargeRefunded == null ? 0 : chargeRefunded;
        if (chargeAmount != current.amount() || r < 0 || r > chargeAmount) {
          return unchanged(NEEDS_FETCH, current);
        }
        refunded = r;
      }
      status =
          refunded == 0
              ? PaymentStatus.SUCCEEDED
              : refunded == current.amount()
                  ? PaymentStatus.REFUNDED
                  : PaymentStatus.PARTIALLY_REFUNDED;
    } else {
      PaymentStatus seen =
          "expired".equals(fetched.sessionStatus())
              ? PaymentStatus.EXPIRED
              : fetched.paymentFailed() || "canceled".equals(fetched.paymentIntentStatus())
                  ? PaymentStatus.FAILED
                  : PaymentStatus.PENDING;
      // Stripe has not taken the money: a status of higher rank here came from an event Stripe's
      // objects do not show yet, so keep it.
      status = seen.rank() >= current.status().rank() ? seen : current.status();
    }
    if (status == current.status()
        && refunded == current.amountRefunded()
        && disputed == current.disputed()) {
      return unchanged(IGNORE_NO_CHANGE, current);
    }
    Instant last =
        current.lastEventAt() == null || at.isAfter(current.lastEventAt())
            ? at
            : current.lastEventAt();
    return new PaymentTransition(
        APPLY, new PaymentState(status, current.amount(), refunded, disputed, last));
  }

  private static PaymentTransition completed(PaymentState current, StripePaymentEvent event) {
    String paymentStatus = event.checkoutPaymentStatus();
    if ("paid".equals(paymentStatus)) {
      return toward(current, event, PaymentStatus.SUCCEEDED);
    }
    if ("unpaid".equals(paymentStatus)) {
      return toward(current, event, PaymentStatus.PENDING);
    }
    // no_payment_required (or anything new) cannot happen for a positive amount set by the broker.
    return unchanged(NEEDS_FETCH, current);
  }

  private static PaymentTransition toward(
      PaymentState current, StripePaymentEvent event, PaymentStatus target) {
    PaymentStatus status = current.status();
    if (target == status) {
      return unchanged(IGNORE_NO_CHANGE, current);
    }
    if (target.rank() < status.rank()) {
      return unchanged(IGNORE_STALE, current);
    }
    if (target.rank() == status.rank() && !newer(event, current)) {
      return unchanged(IGNORE_STALE, current);
    }
    return apply(current, event, target, current.amountRefunded(), current.disputed());
  }

  private static PaymentTransition refunded(PaymentState current, StripePaymentEvent event) {
    long amount = event.chargeAmount();
    long refunded = event.chargeAmountRefunded();
    if (amount != current.amount() || refunded <= 0 || refunded > amount) {
      return unchanged(NEEDS_FETCH, current);
    }
    if (!hasSucceeded(current)) {
      return unchanged(NEEDS_FETCH, current);
    }
    if (refunded < current.amountRefunded()) {
      return unchanged(IGNORE_STALE, current);
    }
    if (refunded == current.amountRefunded()) {
      return unchanged(IGNORE_NO_CHANGE, current);
    }
    PaymentStatus target =
        refunded == amount ? PaymentStatus.REFUNDED : PaymentStatus.PARTIALLY_REFUNDED;
    return apply(current, event, target, refunded, current.disputed());
  }

  private static PaymentTransition disputed(PaymentState current, StripePaymentEvent event) {
    if (!hasSucceeded(current)) {
      return unchanged(NEEDS_FETCH, current);
    }
    if (current.disputed()) {
      return unchanged(IGNORE_NO_CHANGE, current);
    }
    return apply(current, event, current.status(), current.amountRefunded(), true);
  }

  private static boolean hasSucceeded(PaymentState current) {
    return current.status().rank() >= PaymentStatus.SUCCEEDED.rank();
  }

  private static boolean newer(StripePaymentEvent event, PaymentState current) {
    return current.lastEventAt() == null || event.created().isAfter(current.lastEventAt());
  }

  private static PaymentTransition apply(
      PaymentState current,
      StripePaymentEvent event,
      PaymentStatus status,
      long amountRefunded,
      boolean disputed) {
    Instant last = newer(event, current) ? event.created() : current.lastEventAt();
    return new PaymentTransition(
        APPLY, new PaymentState(status, current.amount(), amountRefunded, disputed, last));
  }

  private static PaymentTransition unchanged(Decision decision, PaymentState current) {
    return new PaymentTransition(decision, current);
  }
}
