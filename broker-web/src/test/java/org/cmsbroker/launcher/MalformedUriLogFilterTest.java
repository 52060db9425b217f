package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.CharConversionException;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MalformedUriLogFilterTest {
  private static final String REFUSED_ONE =
      "Refused 1 request(s) with malformed percent-encoding in the URI (further ones are counted"
          + " and reported once a minute)";

  private MutableClock clock;
  private MalformedUriLogFilter filter;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    filter = new MalformedUriLogFilter(clock, null);
  }

  private static <T extends Throwable> T thrownIn(T throwable, String className) {
    throwable.setStackTrace(
        new StackTraceElement[] {
          new StackTraceElement(className, "decode", "Source.java", 42),
          new StackTraceElement(
              "org.glassfish.grizzly.http.server.HttpHandler", "doHandle", null, 1)
        });
    return throwable;
  }

  private static LogRecord decoderFailure() {
    LogRecord record = new LogRecord(Level.SEVERE, "Request processing failed: {0}");
    record.setParameters(new Object[] {"/%zz"});
    record.setThrown(
        thrownIn(
            new IllegalArgumentException("Invalid URI character encoding"),
            "org.glassfish.grizzly.http.util.URLDecoder"));
    return record;
  }

  @Test
  void firstDecoderFailureBecomesOneShortWarning() {
    LogRecord record = decoderFailure();

    assertTrue(filter.isLoggable(record));

    assertEquals(Level.WARNING, record.getLevel());
    assertEquals(REFUSED_ONE, record.getMessage());
    assertNull(record.getThrown());
    assertNull(record.getParameters());
  }

  @Test
  void furtherDecoderFailuresWithinAMinuteAreSuppressed() {
    filter.isLoggable(decoderFailure());
    clock.advance(Duration.ofSeconds(59));

    assertFalse(filter.isLoggable(decoderFailure()));
    assertFalse(filter.isLoggable(decoderFailure()));
  }

  @Test
  void firstFailureAfterTheMinuteReportsTheSuppressedCount() {
    filter.isLoggable(decoderFailure());
    clock.advance(Duration.ofSeconds(10));
    filter.isLoggable(decoderFailure());
    filter.isLoggable(decoderFailure());
    clock.advance(Duration.ofSeconds(50));
    LogRecord record = decoderFailure();

    assertTrue(filter.isLoggable(record));

    assertEquals(
        "Refused 3 request(s) with malformed percent-encoding in the URI (further ones are"
            + " counted and reported once a minute)",
        record.getMessage());
  }

  @Test
  void countStartsAgainAfterAReport() {
    filter.isLoggable(decoderFailure());
    clock.advance(Duration.ofMinutes(5));
    LogRecord record = decoderFailure();

    assertTrue(filter.isLoggable(record));

    assertEquals(REFUSED_ONE, record.getMessage());
  }

  @Test
  void decoderFailureWrappedInAnotherExceptionIsCollapsed() {
    LogRecord record = new LogRecord(Level.SEVERE, "failed");
    record.setThrown(
        new RuntimeException(
            "wrapper",
            thrownIn(
                new CharConversionException("isHexDigit"),
                "org.glassfish.grizzly.http.util.UDecoder")));

    assertTrue(filter.isLoggable(record));

    assertEquals(Level.WARNING, record.getLevel());
    assertNull(record.getThrown());
  }

  @Test
  void illegalArgumentFromElsewherePassesUntouched() {
    LogRecord record = new LogRecord(Level.SEVERE, "failed");
    IllegalArgumentException thrown =
        thrownIn(new IllegalArgumentException("bad"), "org.cmsbroker.web.api.Something");
    record.setThrown(thrown);

    assertTrue(filter.isLoggable(record));

    assertEquals(Level.SEVERE, record.getLevel());
    assertSame(thrown, record.getThrown());
    assertEquals("failed", record.getMessage());
  }

  @Test
  void otherExceptionTypeFromTheDecoderPassesUntouched() {
    LogRecord record = new LogRecord(Level.SEVERE, "failed");
    record.setThrown(
        thrownIn(new IllegalStateException("bug"), "org.glassfish.grizzly.http.util.URLDecoder"));

    assertTrue(filter.isLoggable(record));

    assertEquals(Level.SEVERE, record.getLevel());
  }

  @Test
  void recordWithoutExceptionPassesUntouched() {
    LogRecord record = new LogRecord(Level.INFO, "deployed");

    assertTrue(filter.isLoggable(record));

    assertEquals(Level.INFO, record.getLevel());
    assertEquals("deployed", record.getMessage());
  }

  @Test
  void otherRecordsStillGoThroughThePreviousFilter() {
    MalformedUriLogFilter chained = new MalformedUriLogFilter(clock, r -> false);

    assertFalse(chained.isLoggable(new LogRecord(Level.INFO, "deployed")));
    assertTrue(chained.isLoggable(decoderFailure()));
  }
}
