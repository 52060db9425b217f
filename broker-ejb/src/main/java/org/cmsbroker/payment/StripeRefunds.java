package org.cmsbroker.payment;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Refund;
import com.stripe.net.RequestOptions;
import com.stripe.param.RefundCreateParams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates Stripe Refunds through the Stripe SDK: against the payment's PaymentIntent, for an amount
 * set by the broker, with the broker's refund and payment ids in the metadata (so refund events
 * lead back to them) and a Stripe idempotency key derived from the broker's refund id. Thread-safe.
 */
@ApplicationScoped
public class StripeRefunds {
  private static final Logger LOG = Logger.getLogger(StripeRefunds.class.getName());

  @Inject Instance<StripeClient> stripe;

  /** Stripe's answer: its refund id and the refund's status. */
  public record CreatedRefund(String id, String status) {}

  /** Stripe refused the refund itself (for example: already refunded); retrying will not help. */
  public static final class RefundRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String stripeCode;

    RefundRefusedException(String stripeCode) {
      super("Stripe refused the refund.", null, false, false);
      this.stripeCode = stripeCode;
    }

    /** Stripe's error code, or null. */
    public String stripeCode() {
      return stripeCode;
    }
  }

  /**
   * Refunds {@code amount} of PaymentIntent {@code paymentIntentId}.
   *
   * @param reason one of {@link RefundCreateParams.Reason}'s values, or null
   * @throws RefundRefusedException if Stripe refused the request
   * @throws PaymentGatewayException if Stripe cannot be reached or fails
   */
  public CreatedRefund create(
      String paymentId, String refundId, String paymentIntentId, long amount, String reason)
      throws RefundRefusedException, PaymentGatewayException {
    RefundCreateParams.Builder params =
        RefundCreateParams.builder()
            .setPaymentIntent(paymentIntentId)
            .setAmount(amount)
            .putMetadata(StripeWebhookEvent.REFUND_ID_METADATA, refundId)
            .putMetadata(StripeCheckout.PAYMENT_ID_METADATA, paymentId);
    if (reason != null) {
      params.setReason(RefundCreateParams.Reason.valueOf(reason.toUpperCase(Locale.ROOT)));
    }
    RequestOptions options =
        RequestOptions.builder().setIdempotencyKey("broker-" + refundId).build();
    try {
      Refund refund = stripe.get().refunds().create(params.build(), options);
      return new CreatedRefund(refund.getId(), refund.getStatus());
    } catch (StripeException e) {
      LOG.log(
          Level.WARNING,
          "Stripe did not create refund {0} of {1}: status {2}, code {3}, request {4}",
          new Object[] {refundId, paymentId, e.getStatusCode(), e.getCode(), e.getRequestId()});
      if (StripeCheckout.refused(e)) {
        throw new RefundRefusedException(e.getCode());
      }
      throw new PaymentGatewayException();
    }
  }
}
