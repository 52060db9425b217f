package org.cmsbroker.webhook;

import java.time.Instant;
import org.cmsbroker.payment.StripeWebhookService;

/**
 * One recorded Stripe event that changed nothing because it did not agree with the broker's payment
 * (see {@link StripeWebhookService#REVIEW_OUTCOMES}): what an operator should look at. Immutable;
 * no payload.
 *
 * @param eventId Stripe's event id
 * @param type the event's type
 * @param outcome why it changed nothing, for example {@code foreign_session}
 * @param paymentId the broker's payment the event named or was found by, or null
 * @param received when the broker received it
 */
public record StripeEventReview(
    String eventId, String type, String outcome, String paymentId, Instant received) {}
