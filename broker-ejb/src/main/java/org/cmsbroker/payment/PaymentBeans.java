package org.cmsbroker.payment;

import com.stripe.StripeClient;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.config.SettingNames;

/**
 * Produces the payment rules (the configured currencies and amount bounds) and the {@link
 * StripeClient}, built once from the configured secret key; the static {@code Stripe.apiKey} is
 * never set. Without a secret key payments are off: {@link #configured()} is false, start-up logs
 * once what to set, and asking for the client is a bug ({@link PaymentsNotConfiguredException}).
 */
@ApplicationScoped
public class PaymentBeans {
  private static final Logger LOG = Logger.getLogger(PaymentBeans.class.getName());

  static final int CONNECT_TIMEOUT_MS = 10_000;
  static final int READ_TIMEOUT_MS = 30_000;
  static final int NETWORK_RETRIES = 2;

  @Inject BrokerConfig config;

  private PaymentRules rules;
  private Optional<StripeClient> stripe;

  @PostConstruct
  void build() {
    Map<String, AmountBounds> bounds = new LinkedHashMap<>();
    for (String currency : config.paymentCurrencies()) {
      try {
        bounds.put(
            currency, new AmountBounds(config.paymentAmountMin(), config.paymentAmountMax()));
        PaymentRules.minorUnitDigits(currency);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            SettingNames.environmentName(SettingNames.PAYMENT_CURRENCIES) + ": " + e.getMessage());
      }
    }
    rules = new PaymentRules(bounds);
    stripe = config.stripeSecretKey().map(this::stripeClient);
  }

  private StripeClient stripeClient(String secretKey) {
    StripeClient.StripeClientBuilder builder =
        StripeClient.builder()
            .setApiKey(secretKey)
            .setConnectTimeout(CONNECT_TIMEOUT_MS)
            .setReadTimeout(READ_TIMEOUT_MS)
            // Safe: every POST carries an idempotency key.
            .setMaxNetworkRetries(NETWORK_RETRIES);
    config.stripeApiBase().ifPresent(base -> builder.setApiBase(base.toString()));
    return builder.build();
  }

  void announce(@Observes Startup startup) {
    if (!configured()) {
      LOG.warning(PaymentsNotConfiguredException.MESSAGE);
    } else if (!embeddedConfigured()) {
      LOG.info(EmbeddedPaymentsNotConfiguredException.MESSAGE);
    }
  }

  /** Whether a Stripe secret key is configured, so payments can be made. */
  public boolean configured() {
    return stripe.isPresent();
  }

  /**
   * Whether embedded payments can be made: payments are configured and Stripe's publishable key,
   * which the payment page gives Stripe.js, is set.
   */
  public boolean embeddedConfigured() {
    return configured() && config.stripePublishableKey().isPresent();
  }

  @Produces
  public PaymentRules paymentRules() {
    return rules;
  }

  /**
   * The Stripe client.
   *
   * @throws PaymentsNotConfiguredException if no secret key is configured; check {@link
   *     #configured()} first
   */
  @Produces
  public StripeClient stripeClient() {
    return stripe.orElseThrow(PaymentsNotConfiguredException::new);
  }
}
