package org.cmsbroker.payment;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.checkout.SessionCreateParams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates Stripe Checkout Sessions for payments through the Stripe SDK: mode {@code payment}, one
 * line item priced on the server in the payment's currency and amount, the broker's payment id as
 * {@code client_reference_id} and in the metadata of the session and of its PaymentIntent (so every
 * later event leads back to the payment), hosted ({@code success_url}, {@code cancel_url}) or
 * embedded ({@code ui_mode=embedded}, {@code return_url}). Thread-safe.
 */
@ApplicationScoped
public class StripeCheckout {
  private static final Logger LOG = Logger.getLogger(StripeCheckout.class.getName());

  /** The metadata key naming the broker's payment on Stripe's objects. */
  public static final String PAYMENT_ID_METADATA = "broker_payment_id";

  @Inject Instance<StripeClient> stripe;

  /**
   * A created Checkout Session: its id, hosted URL (redirect mode), expiry and client secret
   * (embedded mode: what Stripe.js needs to mount it; never logged, so not in {@link #toString}).
   */
  public record CheckoutSession(String id, String url, Instant expiresAt, String clientSecret) {
    @Override
    public String toString() {
      return "CheckoutSession[id=" + id + ", url=" + url + ", expiresAt=" + expiresAt + "]";
    }
  }

  /**
   * Creates the session for {@code payment}.
   *
   * @param idempotencyKey sent as Stripe's {@code Idempotency-Key}, so a repeat after a lost answer
   *     returns the same session
   * @throws PaymentGatewayException if Stripe cannot be reached or refuses
   */
  public CheckoutSession create(PaymentView payment, String idempotencyKey)
      throws PaymentGatewayException {
    SessionCreateParams.Builder params =
        SessionCreateParams.builder()
            .setMode(SessionCreateParams.Mode.PAYMENT)
            .setClientReferenceId(payment.id())
            .putMetadata(PAYMENT_ID_METADATA, payment.id())
            .setPaymentIntentData(
                SessionCreateParams.PaymentIntentData.builder()
                    .putMetadata(PAYMENT_ID_METADATA, payment.id())
                    .build())
            .addLineItem(
                SessionCreateParams.LineItem.builder()
                    .setQuantity(1L)
                    .setPriceData(
                        SessionCreateParams.LineItem.PriceData.builder()
                            .setCurrency(payment.currency())
                            .setUnitAmount(payment.amount())
                            .setProductData(
                                SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                    .setName(payment.description())
                                    .build())
                            .build())
                    .build());
    if (payment.donorEmail() != null) {
      params.setCustomerEmail(payment.donorEmail());
    }
    if (payment.mode() == PaymentMode.EMBEDDED) {
      params
          .setUiMode(SessionCreateParams.UiMode.EMBEDDED)
          .setReturnUrl(payment.returnUrl().toString());
    } else {
      params
          .setSuccessUrl(payment.returnUrl().toString())
          .setCancelUrl(payment.cancelUrl().toString());
    }
    RequestOptions options = RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
    try {
      Session session = stripe.get().checkout().sessions().create(params.build(), options);
      return new CheckoutSession(
          session.getId(),
          session.getUrl(),
          session.getExpiresAt() == null ? null : Instant.ofEpochSecond(session.getExpiresAt()),
          payment.mode() == PaymentMode.EMBEDDED ? session.getClientSecret() : null);
    } catch (StripeException e) {
      // Stripe's code and request id help the operator; the message may echo submitted values.
      LOG.log(
          Level.WARNING,
          "Stripe refused to create a Checkout Session for {0}: status {1}, code {2}, request {3}",
          new Object[] {payment.id(), e.getStatusCode(), e.getCode(), e.getRequestId()});
      throw new PaymentGatewayException();
    }
  }
}
