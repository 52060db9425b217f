package org.cmsbroker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerConfigCallbackSettingsTest {

  private static BrokerConfig read(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(settings);
    all.putIfAbsent(SettingNames.PUBLIC_URL, "https://broker.example.org/");
    BrokerConfig config = new BrokerConfig();
    config.config = new MapConfig(all);
    config.read();
    return config;
  }

  @Test
  void callbackSweepEvery20SecondsAndRetriesFrom30SecondsByDefault() {
    BrokerConfig config = read(Map.of());
    assertEquals(Duration.ofSeconds(20), config.callbackPollInterval());
    assertEquals(Duration.ofSeconds(30), config.callbackRetryBase());
    assertEquals(8, config.callbackParallelism());
  }

  @Test
  void callbackSettingsAreRead() {
    BrokerConfig config =
        read(
            Map.of(
                SettingNames.CALLBACK_POLL_INTERVAL,
                "1",
                SettingNames.CALLBACK_RETRY_BASE,
                "3600",
                SettingNames.CALLBACK_PARALLELISM,
                "32"));
    assertEquals(Duration.ofSeconds(1), config.callbackPollInterval());
    assertEquals(Duration.ofHours(1), config.callbackRetryBase());
    assertEquals(32, config.callbackParallelism());
  }

  @Test
  void callbackSettingsOutOfRangeStopStartUpNamingTheSetting() {
    assertEquals(
        "BROKER_CALLBACK_POLL_INTERVAL: must be between 1 and 3600",
        assertThrows(
                IllegalStateException.class,
                () -> read(Map.of(SettingNames.CALLBACK_POLL_INTERVAL, "0")))
            .getMessage());
    assertEquals(
        "BROKER_CALLBACK_RETRY_BASE: must be between 1 and 3600",
        assertThrows(
                IllegalStateException.class,
                () -> read(Map.of(SettingNames.CALLBACK_RETRY_BASE, "3601")))
            .getMessage());
    assertEquals(
        "BROKER_CALLBACK_PARALLELISM: must be between 1 and 32",
        assertThrows(
                IllegalStateException.class,
                () -> read(Map.of(SettingNames.CALLBACK_PARALLELISM, "0")))
            .getMessage());
  }
}
