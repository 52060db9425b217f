package org.cmsbroker.payment;

import java.time.Instant;
import java.util.Objects;

/**
 * What the state machine knows about one payment. Immutable.
 *
 * @param status the current status, not null
 * @param amount the payment's amount in minor units, positive
 * @param amountRefunded the total refunded so far in minor units, 0 to {@code amount}
 * @param disputed whether a dispute (chargeback) was opened
 * @param lastEventAt the {@code created} time of the newest event applied so far, or null when none
 */
public record PaymentState(
    PaymentStatus status, long amount, long amountRefunded, boolean disputed, Instant lastEventAt) {

  public PaymentState {
    Objects.requireNonNull(status, "status");
    if (amount <= 0 || amountRefunded < 0 || amountRefunded > amount) {
      throw new IllegalArgumentException("0 <= amountRefunded <= amount and 0 < amount");
    }
  }

  /** A new payment of {@code amount} minor units that no event has touched. */
  public static PaymentState pending(long amount) {
    return new PaymentState(PaymentStatus.PENDING, amount, 0, false, null);
  }
}
