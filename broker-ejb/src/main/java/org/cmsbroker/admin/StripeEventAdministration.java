package org.cmsbroker.admin;

import java.time.Duration;
import java.util.List;
import org.cmsbroker.webhook.StripeEventCount;

/** What the admin commands may see of the recorded Stripe events: counts, never payloads. */
@FunctionalInterface
public interface StripeEventAdministration {

  /** The events received in the last {@code window} by type and outcome, most frequent first. */
  List<StripeEventCount> counts(Duration window);
}
