package org.cmsbroker.launcher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A request such as {@code GET /%zz} fails inside Grizzly's URI decoder, before any filter of the
 * broker runs, and Payara logs a SEVERE stack trace for each one: anyone could flood the log. This
 * filter on the web container's logger replaces those records with one short WARNING a minute that
 * counts them; every other record passes untouched. Thread-safe.
 */
final class MalformedUriLogFilter implements Filter {
  /** The logger Payara's web container reports request-processing failures on. */
  static final String WEB_CORE_LOGGER = "jakarta.enterprise.web.core";

  private static final Duration WINDOW = Duration.ofMinutes(1);
  private final Clock clock;
  private final Filter previous;
  private Instant windowStart;
  private long suppressed;

  MalformedUriLogFilter(Clock clock, Filter previous) {
    this.clock = clock;
    this.previous = previous;
  }

  /** Installs the filter on the web container's logger. */
  static void install() {
    Logger logger = Logger.getLogger(WEB_CORE_LOGGER);
    logger.setFilter(new MalformedUriLogFilter(Clock.systemUTC(), logger.getFilter()));
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    if (!fromUriDecoder(record.getThrown())) {
      return previous == null || previous.isLoggable(record);
    }
    synchronized (this) {
      suppressed++;
      Instant now = clock.instant();
      if (windowStart != null && now.isBefore(windowStart.plus(WINDOW))) {
        return false;
      }
      long count = suppressed;
      suppressed = 0;
      windowStart = now;
      record.setLevel(Level.WARNING);
      record.setThrown(null);
      record.setParameters(null);
      record.setResourceBundle(null);
      record.setMessage(
          "Refused "
              + count
              + " request(s) with malformed percent-encoding in the URI (further ones are counted"
              + " and reported once a minute)");
      return true;
    }
  }

  static boolean fromUriDecoder(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException || t instanceof java.io.CharConversionException) {
        for (StackTraceElement element : t.getStackTrace()) {
          if (element.getClassName().startsWith("org.glassfish.grizzly.http.util.")
              && element.getClassName().contains("Decoder")) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
