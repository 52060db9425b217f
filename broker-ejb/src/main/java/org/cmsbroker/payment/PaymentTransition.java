package org.cmsbroker.payment;

import java.util.Objects;

/**
 * What to do with one Stripe event. Immutable.
 *
 * @param decision whether the event changes the payment
 * @param state the payment's state afterwards: the new state for {@link Decision#APPLY}, otherwise
 *     the unchanged current state
 */
public record PaymentTransition(Decision decision, PaymentState state) {

  /** The outcome of deciding on an event, each with a stable code for logs and audit events. */
  public enum Decision {
    /** Store {@link PaymentTransition#state()}; it differs from the current state. */
    APPLY("apply"),
    /** The event is older news than the current state; it would move the payment backwards. */
    IGNORE_STALE("ignore_stale"),
    /** The event agrees with the current state and adds nothing (a repeat or an "unpaid" step). */
    IGNORE_NO_CHANGE("ignore_no_change"),
    /** The broker does not act on this event type. */
    IGNORE_UNKNOWN_TYPE("ignore_unknown_type"),
    /**
     * The event presupposes something not yet seen (a refund or dispute before the success) or its
     * data does not fit the payment: fetch the object from Stripe and decide on that.
     */
    NEEDS_FETCH("needs_fetch");

    private final String code;

    Decision(String code) {
      this.code = code;
    }

    /** The stable lower-case code. */
    public String code() {
      return code;
    }
  }

  public PaymentTransition {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(state, "state");
  }
}
