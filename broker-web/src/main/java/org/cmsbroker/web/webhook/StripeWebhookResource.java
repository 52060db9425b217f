package org.cmsbroker.web.webhook;

import com.stripe.model.Event;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.payment.PaymentGatewayException;
import org.cmsbroker.payment.StripeWebhookEvent;
import org.cmsbroker.payment.StripeWebhookService;
import org.cmsbroker.web.error.OAuthErrorBody;
import org.cmsbroker.webhook.StripeEventIntake;
import org.cmsbroker.webhook.StripeEventReader;
import org.cmsbroker.webhook.StripeEventReceiver;
import org.cmsbroker.webhook.StripeSignatureException;
import org.cmsbroker.webhook.StripeSignatureVerifier;
import org.cmsbroker.webhook.StripeWebhookVerification;

/**
 * {@code POST /webhooks/stripe}: Stripe's event notifications. The raw body (at most {@value
 * StripeSignatureVerifier#DEFAULT_MAX_BODY_BYTES} bytes) is verified against {@code
 * Stripe-Signature} with the configured endpoint secrets by Stripe's own library ({@link
 * StripeSignatureVerifier}, built once) before anything is believed; a refused or malformed event
 * answers 400 and stores nothing. A verified event is handled once by {@link StripeEventReceiver}
 * and answered 200, also when it is a repeat or ignored; when the event needs Stripe's current
 * objects and Stripe cannot be reached, 503 and nothing recorded, so that Stripe delivers it again.
 * Without a secret configured the endpoint answers 503 saying what to set. The payload is never
 * logged.
 */
@Path("/stripe")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class StripeWebhookResource {
  private static final Logger LOG = Logger.getLogger(StripeWebhookResource.class.getName());

  static final int MAX_BODY = StripeSignatureVerifier.DEFAULT_MAX_BODY_BYTES;

  /** Tries of one event when its transaction fails (a concurrent delivery holds the payment). */
  static final int MAX_ATTEMPTS = 2;

  @Inject StripeWebhookVerification verification;
  @Inject StripeEventIntake service;
  @Inject StripeEventReceiver receiver;

  @POST
  public Response receive(@HeaderParam("Stripe-Signature") String signature, InputStream in)
      throws IOException {
    StripeSignatureVerifier verifier = verification.verifier().orElse(null);
    if (verifier == null) {
      return error(503, "temporarily_unavailable", verification.problem());
    }
    byte[] body = in == null ? new byte[0] : in.readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      return error(413, "invalid_request", "The body is larger than " + MAX_BODY + " bytes.");
    }
    Event verified;
    try {
      verified = verifier.verify(body, signature);
    } catch (StripeSignatureException e) {
      LOG.log(Level.INFO, "Stripe webhook refused: {0}", e.reason().code());
      return e.reason() == StripeSignatureException.Reason.MALFORMED_EVENT
          ? error(400, "invalid_request", e.getMessage())
          : error(400, "invalid_signature", "The Stripe-Signature header does not verify.");
    }
    StripeWebhookEvent event;
    try {
      event = StripeEventReader.read(verified);
    } catch (StripeEventReader.MalformedEventException e) {
      LOG.log(Level.INFO, "Stripe webhook refused: {0}", e.getMessage());
      return error(400, "invalid_request", e.getMessage());
    }
    StripeWebhookService.Result result = null;
    for (int attempt = 1; result == null; attempt++) {
      try {
        result = receiver.receive(event);
      } catch (PaymentGatewayException e) {
        // Nothing was recorded: Stripe delivers the event again later.
        return error(
            503,
            "temporarily_unavailable",
            "Stripe could not be asked about this event; nothing was recorded. Deliver it again.");
      } catch (EJBException e) {
        if (service.recorded(event.id())) {
          // A concurrent delivery of the same event committed first.
          result = new StripeWebhookService.Result(true, "duplicate", null, null);
        } else if (attempt >= MAX_ATTEMPTS) {
          // For example a lock wait that timed out behind a concurrent delivery. Nothing was
          // recorded (the transaction rolled back): Stripe delivers the event again later.
          LOG.log(
              Level.WARNING,
              "Stripe event {0} could not be handled now; left for redelivery",
              event.id());
          return error(
              503,
              "temporarily_unavailable",
              "The event could not be handled now; nothing was recorded. Deliver it again.");
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("received", true);
    out.put("duplicate", result.duplicate());
    out.put("outcome", result.outcome());
    return Response.ok(out).header("Cache-Control", "no-store").build();
  }

  private static Response error(int status, String code, String description) {
    Map<String, Object> out = OAuthErrorBody.fields(code, description);
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8"))
        .header("Cache-Control", "no-store")
        .entity(out)
        .build();
  }
}
