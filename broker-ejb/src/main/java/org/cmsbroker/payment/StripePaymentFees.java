package org.cmsbroker.payment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.OptionalLong;
import org.cmsbroker.callback.PaymentFees;

/**
 * Stripe's fee of a payment, read from its PaymentIntent's latest charge's balance transaction
 * ({@link StripeCheckout#fee}). Thread-safe.
 */
@ApplicationScoped
public class StripePaymentFees implements PaymentFees {
  @Inject StripeCheckout checkout;
  @Inject PaymentBeans beans;

  @Override
  public OptionalLong fee(String transactionId) throws IOException {
    if (transactionId == null || !transactionId.startsWith("pi_") || !beans.configured()) {
      return OptionalLong.empty();
    }
    try {
      return checkout.fee(transactionId);
    } catch (PaymentGatewayException e) {
      throw new IOException("Stripe could not be asked for the payment's fee");
    }
  }
}
