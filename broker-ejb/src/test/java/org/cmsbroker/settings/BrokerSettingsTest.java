package org.cmsbroker.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BrokerSettingsTest {
  private static final String SECRET = "whsec_" + "5Wq9vFZk2LmT8pRb3XyN7cJd";
  private static final String NEXT = "whsec_" + "H4nG6sQe1VtK9wYa0ZuP2oLi";

  private static SettingSource source(String... nameValuePairs) {
    Map<String, String> map = new java.util.HashMap<>();
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      map.put(nameValuePairs[i], nameValuePairs[i + 1]);
    }
    return name -> Optional.ofNullable(map.get(name));
  }

  private static InvalidSettingException refused(String name, String value) {
    return assertThrows(
        InvalidSettingException.class, () -> BrokerSettings.check(source(name, value)));
  }

  @Test
  void defaultsPassTheCheck() {
    BrokerSettings.check(source());
    assertEquals(URI.create("https://localhost:8443"), BrokerSettings.publicUrl(source()));
  }

  @Test
  void everySettingIsDefinedOnce() {
    assertEquals(
        BrokerSettings.ALL.size(),
        BrokerSettings.ALL.stream().map(Setting::name).distinct().count());
  }

  @Test
  void webhookSecretsAreReadAsARotationList() {
    assertEquals(
        List.of(SECRET, NEXT),
        BrokerSettings.STRIPE_WEBHOOK_SECRET
            .read(source("broker.stripe.webhook.secret", " " + SECRET + " , " + NEXT + ","))
            .orElseThrow());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "whsec_tooShort",
        "sk_test_5Wq9vFZk2LmT8pRb3XyN7cJd",
        "5Wq9vFZk2LmT8pRb3XyN7cJdAAAAAAAA",
        "whsec_5Wq9vFZk2L mT8pRb3XyN7cJd",
        ","
      })
  void webhookSecretTheVerifierWouldRefuseIsRefusedWithoutEchoingIt(String bad) {
    InvalidSettingException e = refused("broker.stripe.webhook.secret", bad);
    assertEquals("broker.stripe.webhook.secret", e.setting());
    assertTrue(e.getMessage().startsWith("BROKER_STRIPE_WEBHOOK_SECRET: "), e.getMessage());
    for (String part : bad.split("[ ,]")) {
      if (part.length() > 6) {
        assertFalse(e.getMessage().contains(part), e.getMessage());
      }
    }
  }

  @Test
  void badSecondWebhookSecretIsNamedByPosition() {
    assertTrue(
        refused("broker.stripe.webhook.secret", SECRET + ",whsec_x")
            .problem()
            .startsWith("secret number 2 "));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://localhost:12111",
        "http://127.0.0.1:12111/",
        "http://127.8.9.10",
        "http://[::1]:12111",
        "https://api.stripe.com",
        "https://stripe-mock.example.org:8443"
      })
  void stripeApiBaseIsHttpsOrLoopback(String value) {
    URI base =
        BrokerSettings.STRIPE_API_BASE.read(source("broker.stripe.api.base", value)).orElseThrow();
    assertFalse(base.toString().endsWith("/"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://api.stripe.com",
        "http://10.0.0.1:12111",
        "http://128.0.0.1",
        "http://127.0.0.1.example.org",
        "http://localhost.example.org"
      })
  void stripeApiBaseOverHttpOffLoopbackIsRefused(String value) {
    assertEquals(
        "BROKER_STRIPE_API_BASE: must be an https:// URL (http only to localhost, 127.0.0.0/8 or"
            + " [::1])",
        refused("broker.stripe.api.base", value).getMessage());
  }

  @Test
  void secretSettingsAreMarkedSecret() {
    for (Setting<?> s :
        List.of(
            BrokerSettings.DB_PASSWORD,
            BrokerSettings.MASTER_KEY,
            BrokerSettings.SMTP_PASSWORD,
            BrokerSettings.STRIPE_SECRET_KEY,
            BrokerSettings.STRIPE_WEBHOOK_SECRET)) {
      assertTrue(s.isSecret(), s.name());
    }
    assertFalse(BrokerSettings.STRIPE_PUBLISHABLE_KEY.isSecret());
  }

  @Test
  void sessionIdleLongerThanAbsoluteIsRefused() {
    assertEquals(
        "BROKER_SESSION_IDLE_MINUTES: must not be longer than BROKER_SESSION_ABSOLUTE_HOURS",
        assertThrows(
                InvalidSettingException.class,
                () ->
                    BrokerSettings.check(
                        source(
                            "broker.session.idle.minutes",
                            "121",
                            "broker.session.absolute.hours",
                            "2")))
            .getMessage());
  }

  @Test
  void flagsAreTrueOrFalseOnly() {
    assertEquals(
        "BROKER_PASSWORD_LETTERS_AND_NUMBERS: \"yes\" is not true or false",
        refused("broker.password.letters.and.numbers", "yes").getMessage());
  }

  @Test
  void currenciesAreLowerCasedWithoutRepeats() {
    assertEquals(
        List.of("eur", "jpy"),
        BrokerSettings.PAYMENT_CURRENCIES
            .read(source("broker.payment.currencies", "EUR, jpy,eur"))
            .orElseThrow());
  }

  private static final String CLUSTER_SECRET = "kR3v9XqL2mT8pWb5ZyN7cJd1fH4gS6aE";

  @Test
  void clusterMembersWithoutSecretAreRefusedNamingTheSecret() {
    InvalidSettingException e = refused("broker.cluster.members", "10.0.0.5:6900,10.0.0.6:6900");
    assertEquals("broker.cluster.secret", e.setting());
    assertTrue(e.problem().contains("BROKER_CLUSTER_MEMBERS"));
  }

  @Test
  void clusterSecretShorterThan32CharactersIsRefusedWithoutEchoingIt() {
    String shortSecret = "only-twenty-characters";
    InvalidSettingException e = refused("broker.cluster.secret", shortSecret);
    assertTrue(e.problem().contains("32"));
    assertFalse(e.getMessage().contains(shortSecret));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.5", "10.0.0.5:", "10.0.0.5:70000", ":6900", "a b:6900"})
  void clusterMemberWithoutHostAndPortIsRefused(String member) {
    assertThrows(
        InvalidSettingException.class,
        () ->
            BrokerSettings.check(
                source("broker.cluster.members", member, "broker.cluster.secret", CLUSTER_SECRET)));
  }

  @Test
  void clusterOfMembersAndSecretPasses() {
    SettingSource cluster =
        source(
            "broker.cluster.members",
            "10.0.0.5:6900, broker-b.internal:6901,[::1]:6900",
            "broker.cluster.secret",
            CLUSTER_SECRET);
    BrokerSettings.check(cluster);
    assertTrue(BrokerSettings.isClustered(cluster));
    assertEquals(6900, BrokerSettings.CLUSTER_PORT.value(cluster));
    assertFalse(BrokerSettings.isClustered(source()));
  }

  @Test
  void trustedProxiesAreAddressesOrRangesNeverHostNames() {
    BrokerSettings.check(source("broker.trusted.proxies", "10.0.0.0/24, ::1"));
    InvalidSettingException e = refused("broker.trusted.proxies", "proxy.example.org");
    assertTrue(e.getMessage().startsWith("BROKER_TRUSTED_PROXIES: "), e.getMessage());
  }
}
