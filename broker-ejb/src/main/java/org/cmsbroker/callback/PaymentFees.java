package org.cmsbroker.callback;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * Stripe's fee for a payment, for CRMs that book it (CiviCRM's {@code fee_amount}). Implemented
 * where the Stripe gateway lives, so this package does not reach into {@code payment}.
 * Implementations are thread-safe and never log credentials.
 */
public interface PaymentFees {
  /**
   * The fee Stripe took for the payment whose Stripe transaction is {@code transactionId} (its
   * PaymentIntent), in minor units of the payment's currency.
   *
   * @return empty when there is none to record: the id is not a PaymentIntent, payments are not
   *     configured, Stripe has not settled the charge yet, or Stripe settled it in another currency
   * @throws IOException when Stripe cannot be asked now (the delivery is retried)
   */
  OptionalLong fee(String transactionId) throws IOException;
}
