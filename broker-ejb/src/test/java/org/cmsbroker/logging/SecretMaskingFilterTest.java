package org.cmsbroker.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import org.junit.jupiter.api.Test;

class SecretMaskingFilterTest {

  @Test
  void cardNumberPassingLuhnIsMaskedKeepingTheLastFour() {
    assertEquals(
        "paid with [card ...1111]", SecretMaskingFilter.mask("paid with 4111111111111111"));
  }

  @Test
  void cardNumberGroupedWithSpacesOrDashesIsMasked() {
    assertEquals("[card ...4242]", SecretMaskingFilter.mask("4242 4242 4242 4242"));
    assertEquals("x [card ...4444] y", SecretMaskingFilter.mask("x 5555-5555-5555-4444 y"));
  }

  @Test
  void nineteenAndThirteenDigitCardsAreMasked() {
    assertEquals("[card ...0006]", SecretMaskingFilter.mask("4000000000000000006"));
    assertEquals("[card ...2222]", SecretMaskingFilter.mask("4222222222222"));
  }

  @Test
  void sixteenDigitIdFailingLuhnIsLeftAlone() {
    assertFalse(SecretMaskingFilter.luhn("4111111111111112"));
    assertEquals("order 4111111111111112", SecretMaskingFilter.mask("order 4111111111111112"));
    assertEquals("id 1234567890123456", SecretMaskingFilter.mask("id 1234567890123456"));
  }

  @Test
  void digitRunsLongerThanNineteenAreLeftAlone() {
    String id = "41111111111111111111111";
    assertEquals(id, SecretMaskingFilter.mask(id));
  }

  @Test
  void shortNumbersAndDatesAreLeftAlone() {
    String line = "2025-01-31 10:00:00 request 42 took 1200 ms";
    assertEquals(line, SecretMaskingFilter.mask(line));
  }

  @Test
  void emailAddressesAreMasked() {
    assertEquals(
        "welcome mail to [email] sent",
        SecretMaskingFilter.mask("welcome mail to jane.doe+civi@example.co.uk sent"));
  }

  @Test
  void bearerTokensAreMasked() {
    assertEquals(
        "Authorization: Bearer [token]",
        SecretMaskingFilter.mask("Authorization: Bearer mF_9.B5f-4.1JqM/x+y=="));
  }

  @Test
  void jwtInCompactFormIsMasked() {
    String jwt =
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
            + "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    assertEquals("token [jwt] refused", SecretMaskingFilter.mask("token " + jwt + " refused"));
  }

  @Test
  void jweInCompactFormIsMaskedWhole() {
    String jwe =
        "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..9sdfXx4eTzJvYk1U.bmFtZT1qYW5l.Zm9vYmFyYmF6";
    assertEquals("login [jwt] ok", SecretMaskingFilter.mask("login " + jwe + " ok"));
  }

  @Test
  void passwordFieldValuesAreMasked() {
    assertEquals(
        "connect user=broker password=[masked] host=db",
        SecretMaskingFilter.mask("connect user=broker password=hunter2 host=db"));
    assertEquals(
        "BROKER_DB_PASSWORD: [masked]", SecretMaskingFilter.mask("BROKER_DB_PASSWORD: s3cr3t!"));
    assertEquals("pwd=[masked]", SecretMaskingFilter.mask("pwd='two words'"));
  }

  @Test
  void jsonSecretFieldValuesAreMasked() {
    assertEquals(
        "{\"client_id\":\"site-1\",\"client_secret\":\"[masked]\"}",
        SecretMaskingFilter.mask("{\"client_id\":\"site-1\",\"client_secret\":\"abc\\\"def\"}"));
    assertEquals(
        "{\"refresh_token\" : \"[masked]\"}",
        SecretMaskingFilter.mask("{\"refresh_token\" : \"r1.r2\"}"));
  }

  @Test
  void namesEndingInASecretWordOrItsValueSuffixAreMasked() {
    assertEquals("secretKey=[masked]", SecretMaskingFilter.mask("secretKey=sk_test_abc"));
    assertEquals("token_value: [masked]", SecretMaskingFilter.mask("token_value: abc"));
    assertEquals("password.hash=[masked]", SecretMaskingFilter.mask("password.hash=$argon2id$x"));
  }

  @Test
  void namesThatOnlyContainASecretWordAreLeftAlone() {
    for (String line :
        List.of(
            "Portable JNDI names for EJB ActiveAccessTokens: [java:global/broker/ActiveAccessTokens]",
            "PrivateKeyUsage: [From: Fri Dec 04 2026]",
            "payment for client nosecret-cms: Checkout Session created",
            "TokenGrantService: ready")) {
      assertEquals(line, SecretMaskingFilter.mask(line));
    }
  }

  @Test
  void ordinaryTextIsLeftAlone() {
    String line = "Password change reserves its throttle slot for account 42";
    assertEquals(line, SecretMaskingFilter.mask(line));
  }

  @Test
  void filterMasksTheMessageAfterItsParametersAreFilledIn() {
    LogRecord record = new LogRecord(Level.INFO, "login for {0} with password={1}");
    record.setParameters(new Object[] {"jane@example.org", "hunter2"});
    assertTrue(new SecretMaskingFilter().isLoggable(record));
    assertEquals("login for [email] with password=[masked]", record.getMessage());
    assertNull(record.getParameters());
  }

  @Test
  void recordWithNothingToMaskIsUntouched() {
    LogRecord record = new LogRecord(Level.INFO, "started in {0} ms");
    Object[] parameters = {1200};
    record.setParameters(parameters);
    assertTrue(new SecretMaskingFilter().isLoggable(record));
    assertEquals("started in {0} ms", record.getMessage());
    assertSame(parameters, record.getParameters());
  }

  @Test
  void thrownMessagesAreMaskedAndTheStackKept() {
    IllegalStateException cause = new IllegalStateException("card 4111 1111 1111 1111 declined");
    RuntimeException thrown = new RuntimeException("charge for bob@example.org failed", cause);
    LogRecord record = new LogRecord(Level.WARNING, "payment failed");
    record.setThrown(thrown);
    new SecretMaskingFilter().isLoggable(record);
    StringWriter text = new StringWriter();
    record.getThrown().printStackTrace(new PrintWriter(text));
    String printed = text.toString();
    assertTrue(
        printed.startsWith("java.lang.RuntimeException: charge for [email] failed"), printed);
    assertTrue(printed.contains("java.lang.IllegalStateException: card [card ...1111] declined"));
    assertTrue(printed.contains("SecretMaskingFilterTest.thrownMessagesAreMaskedAndTheStackKept"));
    assertFalse(printed.contains("bob@example.org"));
    assertFalse(printed.contains("4111 1111"));
  }

  @Test
  void previousFilterStillDecides() {
    SecretMaskingFilter filter = new SecretMaskingFilter(r -> false);
    assertFalse(filter.isLoggable(new LogRecord(Level.INFO, "x")));
  }

  @Test
  void installOnEveryHandlerMasksWhatAHandlerWritesAndIsIdempotent() {
    Logger logger = Logger.getLogger("org.cmsbroker.test.masking");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StreamHandler handler = new StreamHandler(bytes, new SimpleFormatter());
    logger.setUseParentHandlers(false);
    logger.addHandler(handler);
    try {
      assertTrue(SecretMaskingFilter.installOnEveryHandler() >= 1);
      assertFalse(SecretMaskingFilter.install(handler));
      logger.info("client_secret=abc123 for jane@example.org");
      handler.flush();
      String written = bytes.toString(StandardCharsets.UTF_8);
      assertTrue(written.contains("client_secret=[masked] for [email]"), written);
      assertFalse(written.contains("abc123"), written);
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void uninstallPutsBackTheHandlersOwnFilterAndLeavesOthersAlone() {
    java.util.logging.Filter own = r -> true;
    StreamHandler handler = new StreamHandler(new ByteArrayOutputStream(), new SimpleFormatter());
    handler.setFilter(own);

    assertTrue(SecretMaskingFilter.install(handler));
    assertTrue(SecretMaskingFilter.uninstall(handler));
    assertSame(own, handler.getFilter());
    assertFalse(SecretMaskingFilter.uninstall(handler), "not ours: left alone");
    assertSame(own, handler.getFilter());
  }

  @Test
  void logMaskingBeanMasksWhileStartedAndLeavesNothingBehindWhenStopped() {
    Logger logger = Logger.getLogger("org.cmsbroker.test.masking.bean");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StreamHandler handler = new StreamHandler(bytes, new SimpleFormatter());
    logger.setUseParentHandlers(false);
    logger.addHandler(handler);
    LogMasking bean = new LogMasking();
    try {
      bean.start();
      logger.info("password=hunter2 and 4111 1111 1111 1111");
      handler.flush();
      String written = bytes.toString(StandardCharsets.UTF_8);
      assertFalse(written.contains("hunter2"), written);
      assertFalse(written.contains("4111 1111 1111 1111"), written);

      bean.stop();
      assertNull(handler.getFilter(), "the handler's own (no) filter is back");
    } finally {
      bean.stop();
      logger.removeHandler(handler);
    }
  }
}
