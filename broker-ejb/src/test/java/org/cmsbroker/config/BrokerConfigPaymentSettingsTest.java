package org.cmsbroker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BrokerConfigPaymentSettingsTest {

  private static BrokerConfig read(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(settings);
    all.putIfAbsent(SettingNames.PUBLIC_URL, "https://broker.example.org/");
    BrokerConfig config = new BrokerConfig();
    config.config = new MapConfig(all);
    config.read();
    return config;
  }

  @Test
  void withoutStripeSettingsPaymentsAreOffAndTheDefaultCurrenciesApply() {
    BrokerConfig config = read(Map.of());

    assertEquals(Optional.empty(), config.stripeSecretKey());
    assertEquals(List.of(), config.stripeWebhookSecrets());
    assertEquals(Optional.empty(), config.stripeApiBase());
    assertEquals(Optional.empty(), config.stripePublishableKey());
    assertEquals(List.of("eur", "usd", "gbp", "chf"), config.paymentCurrencies());
  }

  @Test
  void stripeSettingsAreRead() {
    BrokerConfig config =
        read(
            Map.of(
                SettingNames.STRIPE_SECRET_KEY, " sk_test_abc ",
                SettingNames.STRIPE_WEBHOOK_SECRET,
                    "whsec_oldOldOldOldOld0001, whsec_newNewNewNewNew0002,",
                SettingNames.STRIPE_API_BASE, "http://127.0.0.1:9999/",
                SettingNames.PAYMENT_CURRENCIES, "EUR, jpy,eur"));

    assertEquals(Optional.of("sk_test_abc"), config.stripeSecretKey());
    assertEquals(
        List.of("whsec_oldOldOldOldOld0001", "whsec_newNewNewNewNew0002"),
        config.stripeWebhookSecrets());
    assertEquals(Optional.of(URI.create("http://127.0.0.1:9999")), config.stripeApiBase());
    assertEquals(List.of("eur", "jpy"), config.paymentCurrencies());
  }

  @Test
  void stripePublishableKeyIsReadAndItsShapeChecked() {
    assertEquals(
        Optional.of("pk_test_51Abc"),
        read(Map.of(SettingNames.STRIPE_PUBLISHABLE_KEY, " pk_test_51Abc "))
            .stripePublishableKey());
    assertEquals(
        "BROKER_STRIPE_PUBLISHABLE_KEY: must be a Stripe publishable key (pk_live_... or"
            + " pk_test_...)",
        assertThrows(
                IllegalStateException.class,
                () -> read(Map.of(SettingNames.STRIPE_PUBLISHABLE_KEY, "pk_test_<script>")))
            .getMessage());
  }

  @Test
  void stripeApiBaseThatIsNotAnHttpUrlStopsStartUpNamingTheSetting() {
    assertEquals(
        "BROKER_STRIPE_API_BASE: \"file:///etc/passwd\" is not an http(s) URL",
        assertThrows(
                IllegalStateException.class,
                () -> read(Map.of(SettingNames.STRIPE_API_BASE, "file:///etc/passwd")))
            .getMessage());
  }

  @Test
  void amountBoundsAndRateLimitsHaveDefaults() {
    BrokerConfig config = read(Map.of());
    assertEquals(50, config.paymentAmountMin());
    assertEquals(99_999_999L, config.paymentAmountMax());
    assertEquals(60, config.paymentRateClientPerMinute());
    assertEquals(120, config.paymentRateIpPerMinute());
    assertEquals(30, config.payPageRateIpPerMinute());
  }

  @Test
  void amountBoundsAndRateLimitsAreRead() {
    BrokerConfig config =
        read(
            Map.of(
                SettingNames.PAYMENT_AMOUNT_MIN, "100",
                SettingNames.PAYMENT_AMOUNT_MAX, "250000",
                SettingNames.PAYMENT_RATE_CLIENT_PER_MINUTE, "5",
                SettingNames.PAYMENT_RATE_IP_PER_MINUTE, "7",
                SettingNames.PAY_PAGE_RATE_IP_PER_MINUTE, "9"));
    assertEquals(100, config.paymentAmountMin());
    assertEquals(250_000, config.paymentAmountMax());
    assertEquals(5, config.paymentRateClientPerMinute());
    assertEquals(7, config.paymentRateIpPerMinute());
    assertEquals(9, config.payPageRateIpPerMinute());
  }

  @Test
  void amountMinimumAboveTheMaximumStopsStartUp() {
    assertEquals(
        "BROKER_PAYMENT_AMOUNT_MIN: must not be larger than BROKER_PAYMENT_AMOUNT_MAX",
        assertThrows(
                IllegalStateException.class,
                () ->
                    read(
                        Map.of(
                            SettingNames.PAYMENT_AMOUNT_MIN, "600",
                            SettingNames.PAYMENT_AMOUNT_MAX, "500")))
            .getMessage());
  }

  @Test
  void rateOfZeroStopsStartUp() {
    assertEquals(
        "BROKER_PAYMENT_RATE_IP_PER_MINUTE: must be between 1 and 100000",
        assertThrows(
                IllegalStateException.class,
                () -> read(Map.of(SettingNames.PAYMENT_RATE_IP_PER_MINUTE, "0")))
            .getMessage());
  }
}
