package org.cmsbroker.payment;

import org.cmsbroker.config.SettingNames;

/**
 * An embedded payment was asked for although Stripe's publishable key, which the payment page
 * needs, is not configured: a deployment mistake. Redirect payments still work.
 */
public class EmbeddedPaymentsNotConfiguredException extends PaymentsNotConfiguredException {
  private static final long serialVersionUID = 1L;

  /** What to configure, safe to show to a client. */
  public static final String MESSAGE =
      "Embedded payments are not configured: set "
          + SettingNames.environmentName(SettingNames.STRIPE_PUBLISHABLE_KEY)
          + " (Stripe's publishable key, pk_live_... or pk_test_...) and restart the broker;"
          + " redirect payments work without it.";

  public EmbeddedPaymentsNotConfiguredException() {
    super(MESSAGE);
  }
}
