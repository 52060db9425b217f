package org.cmsbroker.csp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CspReportLogTest {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");

  private final CspReportLog log =
      new CspReportLog(
          new Clock() {
            @Override
            public ZoneOffset getZone() {
              return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
              return this;
            }

            @Override
            public Instant instant() {
              return now;
            }
          });

  @Test
  void oneLinePerMinutePerAggregate() {
    assertTrue(log.shouldLog("a"));
    assertFalse(log.shouldLog("a"));
    assertTrue(log.shouldLog("b"), "another aggregate has its own minute");
    now = now.plus(Duration.ofSeconds(59));
    assertFalse(log.shouldLog("a"));
    now = now.plus(Duration.ofSeconds(1));
    assertTrue(log.shouldLog("a"));
    assertFalse(log.shouldLog("a"));
  }

  @Test
  void memoryIsBoundedByForgettingEverythingWhenFull() {
    for (int i = 0; i < CspReportLog.MAX_KEYS; i++) {
      assertTrue(log.shouldLog("k" + i));
    }
    assertFalse(log.shouldLog("k0"), "a known aggregate does not empty the memory");
    assertTrue(log.shouldLog("new"), "a new one does, and is logged");
    assertTrue(log.shouldLog("k0"), "forgotten, so logged again");
  }
}
