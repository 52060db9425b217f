package org.cmsbroker.payment;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.BalanceTransaction;
import com.stripe.model.Charge;
import com.stripe.model.PaymentIntent;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.PaymentIntentRetrieveParams;
import com.stripe.param.checkout.SessionCreateParams;
import com.stripe.param.checkout.SessionExpireParams;
import com.stripe.param.checkout.SessionRetrieveParams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stripe Checkout Sessions through the Stripe SDK: creates them, expires them, and reads a
 * payment's current state from its session, PaymentIntent and latest charge ({@link #fetch}).
 *
 * <p>Creation: mode {@code payment}, one line item priced on the server in the payment's currency
 * and amount, the broker's payment id as {@code client_reference_id} and in the metadata of the
 * session and of its PaymentIntent (so every later event leads back to the payment), hosted ({@code
 * success_url}, {@code cancel_url}) or embedded ({@code ui_mode=embedded}, {@code return_url}).
 * Thread-safe.
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

  /** Stripe would not expire the session: it is no longer open (complete, or already expired). */
  public static final class SessionNotOpenException extends Exception {
    private static final long serialVersionUID = 1L;

    SessionNotOpenException() {
      super("The Checkout Session is not open.", null, false, false);
    }
  }

  /**
   * Expires the open Checkout Session {@code sessionId}, so the donor can no longer pay.
   *
   * @param idempotencyKey sent as Stripe's {@code Idempotency-Key}
   * @return Stripe's answer: the expired session
   * @throws SessionNotOpenException if Stripe refused because the session is not open
   * @throws PaymentGatewayException if Stripe cannot be reached or fails
   */
  public StripeSnapshot expire(String paymentId, String sessionId, String idempotencyKey)
      throws SessionNotOpenException, PaymentGatewayException {
    RequestOptions options = RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
    try {
      Session session =
          stripe
              .get()
              .checkout()
              .sessions()
              .expire(sessionId, SessionExpireParams.builder().build(), options);
      return snapshot(session);
    } catch (StripeException e) {
      if (refused(e)) {
        LOG.log(
            Level.INFO,
            "Stripe would not expire the Checkout Session of {0}: status {1}, code {2}",
            new Object[] {paymentId, e.getStatusCode(), e.getCode()});
        throw new SessionNotOpenException();
      }
      throw unavailable("expire the Checkout Session of", paymentId, e);
    }
  }

  /**
   * Reads what Stripe says about a payment now: its Checkout Session with the PaymentIntent and
   * latest charge expanded, or, without a session, the PaymentIntent with its latest charge. With
   * neither, an empty snapshot.
   *
   * @throws PaymentGatewayException if Stripe cannot be reached, fails or refuses
   */
  public StripeSnapshot fetch(String paymentId, String sessionId, String paymentIntentId)
      throws PaymentGatewayException {
    try {
      if (sessionId != null) {
        return snapshot(
            stripe
                .get()
                .checkout()
                .sessions()
                .retrieve(
                    sessionId,
                    SessionRetrieveParams.builder()
                        .addExpand("payment_intent.latest_charge")
                        .build(),
                    RequestOptions.getDefault()));
      }
      if (paymentIntentId != null) {
        PaymentIntent intent =
            stripe
                .get()
                .paymentIntents()
                .retrieve(
                    paymentIntentId,
                    PaymentIntentRetrieveParams.builder().addExpand("latest_charge").build(),
                    RequestOptions.getDefault());
        return snapshot(null, null, intent.getId(), intent);
      }
      return new StripeSnapshot(null, null, null, null, false, false, null, null, null);
    } catch (StripeException e) {
      throw unavailable("read the Checkout Session of", paymentId, e);
    }
  }

  /**
   * Stripe's fee for the PaymentIntent's latest charge, from the charge's balance transaction
   * ({@code balance_transaction.fee}), in minor units.
   *
   * @return empty while the charge has no balance transaction yet, when Stripe settled it in a
   *     currency other than the charge's (the fee is then not in the payment's currency), or when
   *     Stripe refuses to show the PaymentIntent
   * @throws PaymentGatewayException if Stripe cannot be reached, fails or refuses
   */
  public OptionalLong fee(String paymentIntentId) throws PaymentGatewayException {
    PaymentIntent intent;
    try {
      intent =
          stripe
              .get()
              .paymentIntents()
              .retrieve(
                  paymentIntentId,
                  PaymentIntentRetrieveParams.builder()
                      .addExpand("latest_charge.balance_transaction")
                      .build(),
                  RequestOptions.getDefault());
    } catch (StripeException e) {
      if (refused(e)) {
        // No such PaymentIntent on this account (say, another mode's): there is no fee to book.
        LOG.log(
            Level.INFO,
            "Stripe would not show PaymentIntent {0}: status {1}, code {2}; no fee recorded",
            new Object[] {paymentIntentId, e.getStatusCode(), e.getCode()});
        return OptionalLong.empty();
      }
      throw unavailable("read the fee of", paymentIntentId, e);
    }
    Charge charge = intent.getLatestChargeObject();
    BalanceTransaction balance = charge == null ? null : charge.getBalanceTransactionObject();
    if (balance == null || balance.getFee() == null) {
      return OptionalLong.empty();
    }
    if (balance.getCurrency() == null
        || !balance.getCurrency().equalsIgnoreCase(charge.getCurrency())) {
      LOG.log(
          Level.INFO,
          "Stripe settled {0} in another currency; its fee is not recorded in the CRM",
          paymentIntentId);
      return OptionalLong.empty();
    }
    return OptionalLong.of(balance.getFee());
  }

  static StripeSnapshot snapshot(Session session) {
    return snapshot(
        session.getStatus(),
        session.getPaymentStatus(),
        session.getPaymentIntent(),
        session.getPaymentIntentObject());
  }

  private static StripeSnapshot snapshot(
      String sessionStatus, String paymentStatus, String paymentIntentId, PaymentIntent intent) {
    if (intent == null) {
      return new StripeSnapshot(
          sessionStatus, paymentStatus, paymentIntentId, null, false, false, null, null, null);
    }
    Charge charge = intent.getLatestChargeObject();
    boolean failed =
        "requires_payment_method".equals(intent.getStatus())
            && intent.getLastPaymentError() != null;
    return new StripeSnapshot(
        sessionStatus,
        paymentStatus,
        intent.getId(),
        intent.getStatus(),
        failed,
        charge != null
            && "succeeded".equals(charge.getStatus())
            && Boolean.TRUE.equals(charge.getPaid()),
        charge == null ? null : charge.getAmount(),
        charge == null ? null : charge.getAmountRefunded(),
        charge == null ? null : charge.getDisputed());
  }

  /** Whether Stripe refused the request itself (4xx other than auth and rate limits). */
  static boolean refused(StripeException e) {
    Integer status = e.getStatusCode();
    return status != null
        && status >= 400
        && status < 500
        && status != 401
        && status != 403
        && status != 429;
  }

  private static PaymentGatewayException unavailable(
      String what, String paymentId, StripeException e) {
    // Stripe's code and request id help the operator; the message may echo submitted values.
    LOG.log(
        Level.WARNING,
        "Stripe did not {0} {1}: status {2}, code {3}, request {4}",
        new Object[] {what, paymentId, e.getStatusCode(), e.getCode(), e.getRequestId()});
    return new PaymentGatewayException(PaymentGatewayException.UNAVAILABLE);
  }
}
