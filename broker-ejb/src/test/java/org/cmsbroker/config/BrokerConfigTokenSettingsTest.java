package org.cmsbroker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerConfigTokenSettingsTest {

  private static BrokerConfig read(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(settings);
    all.putIfAbsent(SettingNames.PUBLIC_URL, "https://broker.example.org/");
    BrokerConfig config = new BrokerConfig();
    config.config = new MapConfig(all);
    config.read();
    return config;
  }

  private static String refusal(String name, String value) {
    return assertThrows(IllegalStateException.class, () -> read(Map.of(name, value))).getMessage();
  }

  @Test
  void tokenSettingsDefaultToFiveMinutesThirtyDaysAndTheApiAudience() {
    BrokerConfig config = read(Map.of());

    assertEquals(Duration.ofMinutes(5), config.accessTokenLifetime());
    assertEquals(Duration.ofMinutes(5), config.idTokenLifetime());
    assertEquals(Duration.ofDays(30), config.signingKeyRotation());
    assertEquals("https://broker.example.org/api", config.accessTokenAudience());
  }

  @Test
  void tokenSettingsAreRead() {
    BrokerConfig config =
        read(
            Map.of(
                SettingNames.TOKEN_ACCESS_LIFETIME_SECONDS, "600",
                SettingNames.TOKEN_ID_LIFETIME_SECONDS, "60",
                SettingNames.SIGNING_KEY_ROTATION_DAYS, "7",
                SettingNames.TOKEN_ACCESS_AUDIENCE, "https://api.example.org"));

    assertEquals(Duration.ofMinutes(10), config.accessTokenLifetime());
    assertEquals(Duration.ofMinutes(1), config.idTokenLifetime());
    assertEquals(Duration.ofDays(7), config.signingKeyRotation());
    assertEquals("https://api.example.org", config.accessTokenAudience());
  }

  @Test
  void accessTokenLifetimeOutOfBoundsStopsStartUpNamingTheSetting() {
    assertEquals(
        "BROKER_TOKEN_ACCESS_LIFETIME_SECONDS: must be between 60 and 3600",
        refusal(SettingNames.TOKEN_ACCESS_LIFETIME_SECONDS, "59"));
    assertEquals(
        "BROKER_TOKEN_ACCESS_LIFETIME_SECONDS: must be between 60 and 3600",
        refusal(SettingNames.TOKEN_ACCESS_LIFETIME_SECONDS, "3601"));
  }

  @Test
  void idTokenLifetimeOutOfBoundsStopsStartUpNamingTheSetting() {
    assertEquals(
        "BROKER_TOKEN_ID_LIFETIME_SECONDS: must be between 60 and 3600",
        refusal(SettingNames.TOKEN_ID_LIFETIME_SECONDS, "0"));
  }

  @Test
  void nonPositiveSigningKeyRotationStopsStartUpNamingTheSetting() {
    assertEquals(
        "BROKER_SIGNING_KEY_ROTATION_DAYS: must be between 1 and 365",
        refusal(SettingNames.SIGNING_KEY_ROTATION_DAYS, "0"));
  }
}
