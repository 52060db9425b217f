package org.cmsbroker.admin;

import java.time.Duration;
import java.util.List;
import org.cmsbroker.webhook.StripeEventReview;

/**
 * What the admin commands may see of the Stripe events that did not agree with a payment of the
 * broker (a foreign Checkout Session naming a payment, amounts that differ, ...): ids, types and
 * outcomes, never payloads.
 */
@FunctionalInterface
public interface PaymentReviewAdministration {

  /** The refused events received in the last {@code window}, newest first, at most {@code max}. */
  List<StripeEventReview> review(Duration window, int max);
}
