package org.cmsbroker.webhook;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.config.SettingNames;

/**
 * The one {@link StripeSignatureVerifier} of this broker, built once from the configured endpoint
 * secrets ({@code BROKER_STRIPE_WEBHOOK_SECRET}), not per request. Without usable secrets it is
 * absent and {@link #problem()} says what to set.
 */
@ApplicationScoped
public class StripeWebhookVerification {
  @Inject BrokerConfig config;
  @Inject Clock clock;

  private StripeSignatureVerifier verifier;
  private String problem;

  @PostConstruct
  void build() {
    List<String> secrets = config.stripeWebhookSecrets();
    String setting = SettingNames.environmentName(SettingNames.STRIPE_WEBHOOK_SECRET);
    if (secrets.isEmpty()) {
      problem =
          "Stripe webhooks are not configured: set "
              + setting
              + " to the endpoint's signing secret (whsec_...).";
      return;
    }
    try {
      verifier = new StripeSignatureVerifier(secrets, clock);
    } catch (IllegalArgumentException e) {
      problem = setting + ": " + StripeSignatureVerifier.WEAK_SECRET_MESSAGE;
    }
  }

  /** The verifier, absent when no usable secret is configured. */
  public Optional<StripeSignatureVerifier> verifier() {
    return Optional.ofNullable(verifier);
  }

  /** Why there is no verifier (names the setting, never a secret); null when there is one. */
  public String problem() {
    return problem;
  }
}
