package org.cmsbroker.csp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides when a violation is worth a log line: at most one per {@link #INTERVAL} per aggregate, so
 * a flood of reports cannot flood the log. Remembers at most {@link #MAX_KEYS} aggregates and
 * forgets them all when full (a few extra lines, never unbounded memory). Thread-safe.
 */
final class CspReportLog {
  static final Duration INTERVAL = Duration.ofMinutes(1);
  static final int MAX_KEYS = 10_000;

  private final Map<String, Instant> lastLogged = new ConcurrentHashMap<>();
  private final Clock clock;

  CspReportLog(Clock clock) {
    this.clock = clock;
  }

  /** Whether to log a violation of aggregate {@code key} now; if so, the time is remembered. */
  boolean shouldLog(String key) {
    Instant now = clock.instant();
    if (lastLogged.size() >= MAX_KEYS && !lastLogged.containsKey(key)) {
      lastLogged.clear();
    }
    boolean[] log = {false};
    lastLogged.compute(
        key,
        (k, last) -> {
          if (last == null || !now.isBefore(last.plus(INTERVAL))) {
            log[0] = true;
            return now;
          }
          return last;
        });
    return log[0];
  }
}
