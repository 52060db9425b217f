package org.cmsbroker.webhook;

import java.time.Instant;
import org.cmsbroker.payment.PaymentTransition;
import org.cmsbroker.payment.StripeWebhookService;

/**
 * How many recorded Stripe events share a type and an outcome within a window. Immutable.
 *
 * @param type the event's {@code type}, as Stripe sent it (verified, so Stripe's own vocabulary)
 * @param outcome what the broker did: a {@link PaymentTransition.Decision#code()}, {@link
 *     StripeWebhookService#NO_PAYMENT} or {@link StripeWebhookService#UNRECONCILED}
 * @param count how many events, at least 1
 * @param newest when the newest of them was received
 */
public record StripeEventCount(String type, String outcome, long count, Instant newest) {}
