package org.cmsbroker.webhook;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.payment.PaymentBeans;
import org.cmsbroker.payment.PaymentGatewayException;
import org.cmsbroker.payment.StripeCheckout;
import org.cmsbroker.payment.StripeSnapshot;
import org.cmsbroker.payment.StripeWebhookEvent;
import org.cmsbroker.payment.StripeWebhookService;
import org.cmsbroker.payment.StripeWebhookService.Fetched;
import org.cmsbroker.payment.StripeWebhookService.Result;

/**
 * Handles a verified Stripe event, fetching Stripe's current objects when the state machine is in
 * doubt ("fetch the object from Stripe when in doubt"): {@link StripeEventIntake} decides without
 * them; when it asks, the payment's Checkout Session (with PaymentIntent and latest charge) is read
 * from Stripe outside any transaction and the event handled again with it. If Stripe cannot be
 * reached nothing is recorded and {@link PaymentGatewayException} tells the caller to answer with a
 * 5xx, so that Stripe delivers the event again.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class StripeEventReceiver {
  private static final Logger LOG = Logger.getLogger(StripeEventReceiver.class.getName());

  /** Fetches tried when the payment keeps changing while Stripe is read. */
  static final int MAX_FETCHES = 3;

  @Inject StripeEventIntake service;
  @Inject StripeCheckout checkout;
  @Inject PaymentBeans beans;

  /**
   * Handles {@code event} once.
   *
   * @throws PaymentGatewayException if Stripe's objects were needed but could not be read; nothing
   *     was recorded
   */
  public Result receive(StripeWebhookEvent event) throws PaymentGatewayException {
    Result result = service.handle(event, null);
    for (int i = 0; i < MAX_FETCHES && result.fetch() != null; i++) {
      if (!beans.configured()) {
        LOG.log(
            Level.WARNING,
            "Stripe event {0} needs Stripe''s objects but no secret key is configured",
            event.id());
        throw new PaymentGatewayException(PaymentGatewayException.UNAVAILABLE);
      }
      StripeWebhookService.FetchTarget target = result.fetch();
      StripeSnapshot snapshot =
          checkout.fetch(target.paymentId(), target.checkoutSessionId(), target.paymentIntentId());
      result = service.handle(event, new Fetched(target, snapshot));
    }
    if (result.fetch() != null) {
      LOG.log(
          Level.WARNING,
          "Stripe event {0}: payment {1} kept changing while Stripe was read; left for redelivery",
          new Object[] {event.id(), result.paymentId()});
      throw new PaymentGatewayException(PaymentGatewayException.UNAVAILABLE);
    }
    return result;
  }
}
