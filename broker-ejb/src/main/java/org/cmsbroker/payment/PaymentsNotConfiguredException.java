package org.cmsbroker.payment;

import jakarta.ejb.ApplicationException;
import org.cmsbroker.config.SettingNames;

/**
 * Payments were used although no Stripe secret key is configured: a deployment mistake. The message
 * says what to configure and is safe to show to a client. Passes through EJB calls as it is.
 */
@ApplicationException
public class PaymentsNotConfiguredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What to configure, safe to show to a client. */
  public static final String MESSAGE =
      "Payments are not configured: set "
          + SettingNames.environmentName(SettingNames.STRIPE_SECRET_KEY)
          + " (and "
          + SettingNames.environmentName(SettingNames.STRIPE_WEBHOOK_SECRET)
          + ") and restart the broker.";

  public PaymentsNotConfiguredException() {
    this(MESSAGE);
  }

  protected PaymentsNotConfiguredException(String message) {
    super(message, null, false, false);
  }
}
