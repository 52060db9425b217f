package org.cmsbroker.callback.civicrm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.cmsbroker.callback.CallbackFormat;
import org.cmsbroker.callback.CallbackTarget;
import org.cmsbroker.callback.DeliveryOutcome;
import org.cmsbroker.callback.LeasedMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CiviCrmDeliveryTest {
  private static final String API_KEY = "T0PS3CR3Tapikey6ateeUXgTOJ9e3Pp";
  private static final String SITE_KEY = "s1t3k3y-0f-th3-crm-2b5a";
  private static final Instant CREATED = Instant.parse("2025-06-01T08:00:00Z");
  private static final Clock CLOCK = Clock.fixed(CREATED.plusSeconds(5), ZoneOffset.UTC);
  private static final org.cmsbroker.outbound.OutboundPolicy LOOPBACK =
      org.cmsbroker.outbound.OutboundPolicy.allowing("127.0.0.0/8");

  private FakeCiviCrm crm;
  private CiviCrmDelivery delivery;
  private final List<DeliveryOutcome> outcomes = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    crm = new FakeCiviCrm(API_KEY);
    delivery =
        new CiviCrmDelivery(
            new JdkCiviCrmHttp(Duration.ofSeconds(5), Duration.ofSeconds(10), LOOPBACK),
            CLOCK,
            this::stripeFee);
  }

  /** Stripe's fees by PaymentIntent, as the fake gateway answers them. */
  private final java.util.Map<String, Long> stripeFees = new java.util.HashMap<>();

  private boolean stripeDown;

  private java.util.OptionalLong stripeFee(String transactionId) throws java.io.IOException {
    if (stripeDown) {
      throw new java.io.IOException("Stripe down");
    }
    Long fee = stripeFees.get(transactionId);
    return fee == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(fee);
  }

  @AfterEach
  void stop() {
    crm.close();
    // No outcome of any test may carry a credential.
    for (DeliveryOutcome o : outcomes) {
      if (o instanceof DeliveryOutcome.Failure f) {
        assertFalse(f.error().contains(API_KEY), f.error());
        assertFalse(f.error().contains(SITE_KEY), f.error());
        assertTrue(f.error().length() <= 200, f.error());
      }
    }
  }

  private CallbackTarget target() {
    return new CallbackTarget(crm.url(), CallbackFormat.CIVICRM, API_KEY, null, null);
  }

  private static String payload(
      String status, String reference, long amount, String currency, long refunded) {
    JsonObject o = new JsonObject();
    o.addProperty("type", "payment." + status);
    o.addProperty("payment_id", "pay_AbC-dEf_123");
    o.addProperty("reference", reference);
    o.addProperty("status", status);
    o.addProperty("amount", amount);
    o.addProperty("currency", currency);
    o.addProperty("amount_refunded", refunded);
    o.addProperty("disputed", false);
    o.addProperty("transaction_id", "pi_3Q1x");
    return o.toString();
  }

  private DeliveryOutcome deliver(CallbackTarget target, String payload, int attempts) {
    DeliveryOutcome outcome =
        delivery.deliver(
            target,
            new LeasedMessage(
                "msg_1",
                "civicrm-site",
                "payment.x",
                payload,
                attempts,
                CREATED,
                "broker-a",
                CREATED.plusSeconds(180)));
    outcomes.add(outcome);
    return outcome;
  }

  private DeliveryOutcome deliver(String payload) {
    return deliver(target(), payload, 1);
  }

  @Test
  void succeededRecordsStripesFeeSoTheNetAmountIsTrue() {
    crm.contribution(42, "EUR", "50.00", "Pending");
    stripeFees.put("pi_3Q1x", 170L);

    assertEquals(
        new DeliveryOutcome.Delivered(200), deliver(payload("succeeded", "42", 5000, "eur", 0)));

    FakeCiviCrm.Payment p = crm.payments().get(0);
    assertEquals(new BigDecimal("1.70"), p.fee());
    assertEquals(new BigDecimal("48.30"), p.net());
  }

  @Test
  void refundRecordsNoFeeOnTheNegativePayment() {
    crm.contribution(42, "EUR", "50.00", "Pending");
    stripeFees.put("pi_3Q1x", 170L);

    assertEquals(
        new DeliveryOutcome.Delivered(200), deliver(payload("refunded", "42", 5000, "eur", 5000)));

    assertEquals(new BigDecimal("1.70"), crm.payments().get(0).fee());
    assertEquals(null, crm.payments().get(1).fee());
  }

  @Test
  void feeNotKnownYetRecordsThePaymentWithoutOne() {
    crm.contribution(42, "EUR", "12.34", "Pending");

    assertEquals(
        new DeliveryOutcome.Delivered(200), deliver(payload("succeeded", "42", 1234, "eur", 0)));

    assertEquals(null, crm.payments().get(0).fee());
  }

  @Test
  void stripeUnreachableForTheFeeIsRetriedAndRecordsNothing() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    stripeDown = true;

    assertTrue(
        deliver(payload("succeeded", "42", 1234, "eur", 0)) instanceof DeliveryOutcome.Retry);
    assertTrue(crm.payments().isEmpty());
  }

  @Test
  void feeAboveTheAmountGivesUp() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    stripeFees.put("pi_3Q1x", 1235L);

    assertTrue(
        deliver(payload("succeeded", "42", 1234, "eur", 0)) instanceof DeliveryOutcome.GiveUp);
    assertTrue(crm.payments().isEmpty());
  }

  @Test
  void transactionDateIsWhenStripeSawThePaymentInTheSitesTimeZone() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    JsonObject o =
        JsonParser.parseString(payload("succeeded", "42", 1234, "eur", 0)).getAsJsonObject();
    // Stripe's event time, not when the message was queued (CREATED, 2025-06-01T08:00:00Z).
    o.addProperty("occurred_at", "2025-01-15T23:30:00Z");
    CallbackTarget berlin =
        new CallbackTarget(
            crm.url(), CallbackFormat.CIVICRM, API_KEY, null, java.time.ZoneId.of("Europe/Berlin"));

    assertEquals(new DeliveryOutcome.Delivered(200), deliver(berlin, o.toString(), 1));

    // Berlin is UTC+1 in January: CiviCRM reads the date as the site's local time.
    assertEquals("2025-01-16 00:30:00", crm.payments().get(0).trxnDate());
  }

  @Test
  void transactionDateDefaultsToUtc() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    JsonObject o =
        JsonParser.parseString(payload("succeeded", "42", 1234, "eur", 0)).getAsJsonObject();
    o.addProperty("occurred_at", "2025-07-15T23:30:00Z");

    assertEquals(new DeliveryOutcome.Delivered(200), deliver(o.toString()));

    assertEquals("2025-07-15 23:30:00", crm.payments().get(0).trxnDate());
  }

  @Test
  void speaksTheCiviCrmFormat() {
    assertEquals(CallbackFormat.CIVICRM, delivery.format());
  }

  @Test
  void succeededRecordsOnePaymentWithTheAmountAndStripeTransactionId() {
    crm.contribution(42, "EUR", "12.34", "Pending");

    DeliveryOutcome outcome = deliver(payload("succeeded", "42", 1234, "eur", 0));

    assertEquals(new DeliveryOutcome.Delivered(200), outcome);
    assertEquals(1, crm.payments().size());
    FakeCiviCrm.Payment p = crm.payments().get(0);
    assertEquals(42, p.contributionId());
    assertEquals(new BigDecimal("12.34"), p.total());
    assertEquals("pi_3Q1x", p.trxnId());
    assertEquals("2025-06-01 08:00:00", p.sent().get("trxn_date").getAsString());
    assertTrue(p.sent().get("is_send_contribution_notification").getAsBoolean());
    assertEquals("Completed", crm.status(42));
  }

  @Test
  void theSameMessageTwiceRecordsOnePayment() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    String payload = payload("succeeded", "42", 1234, "eur", 0);

    assertInstanceOf(DeliveryOutcome.Delivered.class, deliver(payload));
    assertInstanceOf(DeliveryOutcome.Delivered.class, deliver(payload));

    assertEquals(1, crm.payments().size());
  }

  @Test
  void zeroDecimalCurrencyIsRecordedWithoutDecimals() {
    crm.contribution(7, "JPY", "500", "Pending");

    assertInstanceOf(
        DeliveryOutcome.Delivered.class, deliver(payload("succeeded", "7", 500, "jpy", 0)));

    assertEquals(0, new BigDecimal("500").compareTo(crm.payments().get(0).total()));
    assertEquals("500", crm.payments().get(0).sent().get("total_amount").getAsString());
    assertEquals("Completed", crm.status(7));
  }

  @Test
  void transactionIdFallsBackToThePaymentId() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    JsonObject o =
        com.google.gson.JsonParser.parseString(payload("succeeded", "42", 1234, "eur", 0))
            .getAsJsonObject();
    o.remove("transaction_id");

    assertInstanceOf(DeliveryOutcome.Delivered.class, deliver(o.toString()));

    assertEquals("pay_AbC-dEf_123", crm.payments().get(0).trxnId());
  }

  @Test
  void partialThenFullRefundRecordsTwoNegativePaymentsOnceEach() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    deliver(payload("succeeded", "42", 1234, "eur", 0));
    String partial = payload("partially_refunded", "42", 1234, "eur", 300);
    String full = payload("refunded", "42", 1234, "eur", 1234);

    assertInstanceOf(DeliveryOutcome.Delivered.class, deliver(partial));
    assertInstanceOf(DeliveryOutcome.Delivered.class, deliver(partial));
    assertInstanceOf(DeliveryOutcome.Delivered.class, deliver(full));
    assertInstanceOf(DeliveryOutcome.Delivered.class, deliver(full));
    // A late copy of the partial refund changes nothing either.
    assertInstanceOf(DeliveryOutcome.Delivered.class, deliver(partial));

    List<FakeCiviCrm.Payment> payments = crm.payments();
    assertEquals(3, payments.size());
    assertEquals("pi_3Q1x-refund-300", payments.get(1).trxnId());
    assertEquals(new BigDecimal("-3.00"), payments.get(1).total());
    assertFalse(payments.get(1).sent().get("is_send_contribution_notification").getAsBoolean());
    assertEquals("pi_3Q1x-refund-1234", payments.get(2).trxnId());
    assertEquals(new BigDecimal("-9.34"), payments.get(2).total());
    assertEquals("Refunded", crm.status(42));
  }

  @Test
  void aRefundBeforeThePaymentWasRecordedRecordsBoth() {
    crm.contribution(42, "EUR", "12.34", "Pending");

    assertInstanceOf(
        DeliveryOutcome.Delivered.class,
        deliver(payload("partially_refunded", "42", 1234, "eur", 234)));

    List<FakeCiviCrm.Payment> payments = crm.payments();
    assertEquals(2, payments.size());
    assertEquals(new BigDecimal("12.34"), payments.get(0).total());
    assertEquals(new BigDecimal("-2.34"), payments.get(1).total());
  }

  @Test
  void failedMarksOnlyAPendingContributionFailed() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    crm.contribution(43, "EUR", "12.34", "Completed");

    assertInstanceOf(
        DeliveryOutcome.Delivered.class, deliver(payload("failed", "42", 1234, "eur", 0)));
    assertInstanceOf(
        DeliveryOutcome.Delivered.class, deliver(payload("failed", "43", 1234, "eur", 0)));

    assertEquals("Failed", crm.status(42));
    assertEquals("Completed", crm.status(43));
    assertTrue(crm.payments().isEmpty());
  }

  @Test
  void expiredCancelsOnlyAPendingContribution() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    crm.contribution(43, "EUR", "12.34", "Completed");

    assertInstanceOf(
        DeliveryOutcome.Delivered.class, deliver(payload("expired", "42", 1234, "eur", 0)));
    assertInstanceOf(
        DeliveryOutcome.Delivered.class, deliver(payload("expired", "43", 1234, "eur", 0)));

    assertEquals("Cancelled", crm.status(42));
    assertEquals("Completed", crm.status(43));
    assertEquals(1, crm.calls().stream().filter("Contribution/update"::equals).count());
  }

  @Test
  void aDisputeAddsOneNoteAndLeavesTheContributionAlone() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    JsonObject o =
        com.google.gson.JsonParser.parseString(payload("succeeded", "42", 1234, "eur", 0))
            .getAsJsonObject();
    o.addProperty("type", "payment.disputed");
    o.addProperty("disputed", true);

    assertInstanceOf(DeliveryOutcome.Delivered.class, deliver(o.toString()));
    assertInstanceOf(DeliveryOutcome.Delivered.class, deliver(o.toString()));

    assertEquals(1, crm.notes.size());
    assertEquals("Card payment disputed (pi_3Q1x)", crm.notes.get(0).subject());
    assertEquals(1, crm.payments().size());
    assertEquals("Completed", crm.status(42));
  }

  @Test
  void aReferenceThatIsNoContributionIdGivesUpWithoutCallingCiviCrm() {
    for (String reference : new String[] {"abc", "0", "-1", "4294967296", "12a", " 42", ""}) {
      DeliveryOutcome outcome = deliver(payload("succeeded", reference, 1234, "eur", 0));
      assertEquals(
          new DeliveryOutcome.GiveUp(
              null,
              "the payment's reference is not a CiviCRM contribution id (a positive integer)"),
          outcome,
          reference);
    }
    assertTrue(crm.calls().isEmpty());
  }

  @Test
  void anUnknownContributionGivesUp() {
    DeliveryOutcome outcome = deliver(payload("succeeded", "404", 1234, "eur", 0));

    DeliveryOutcome.GiveUp giveUp = assertInstanceOf(DeliveryOutcome.GiveUp.class, outcome);
    assertTrue(giveUp.error().startsWith("CiviCRM contribution 404 not found"), giveUp.error());
    assertTrue(crm.payments().isEmpty());
  }

  @Test
  void aCurrencyMismatchGivesUp() {
    crm.contribution(42, "USD", "12.34", "Pending");

    DeliveryOutcome outcome = deliver(payload("succeeded", "42", 1234, "eur", 0));

    assertEquals(
        new DeliveryOutcome.GiveUp(
            200, "currency mismatch: payment in EUR, CiviCRM contribution 42 in USD"),
        outcome);
    assertTrue(crm.payments().isEmpty());
  }

  @Test
  void aWrongApiKeyIsAClientErrorThatGivesUpAfterFiveAttempts() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    CallbackTarget wrong =
        new CallbackTarget(crm.url(), CallbackFormat.CIVICRM, "not-" + API_KEY, null, null);
    String payload = payload("succeeded", "42", 1234, "eur", 0);

    DeliveryOutcome first = deliver(wrong, payload, 1);
    DeliveryOutcome fifth = deliver(wrong, payload, 5);

    assertEquals(
        new DeliveryOutcome.Retry(
            401, "CiviCRM Contribution/get: HTTP 401 (authx does not know this API key)"),
        first);
    assertInstanceOf(DeliveryOutcome.GiveUp.class, fifth);
    assertEquals(401, ((DeliveryOutcome.GiveUp) fifth).statusCode());
    assertTrue(crm.payments().isEmpty());
  }

  @Test
  void theSiteKeyGoesInItsHeaderWhenConfigured() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    crm.requireSiteKey(SITE_KEY);

    DeliveryOutcome outcome =
        deliver(
            new CallbackTarget(crm.url(), CallbackFormat.CIVICRM, API_KEY, SITE_KEY, null),
            payload("succeeded", "42", 1234, "eur", 0),
            1);

    assertEquals(new DeliveryOutcome.Delivered(200), outcome);
    assertEquals(1, crm.payments().size());
  }

  @Test
  void aWrongSiteKeyIsReportedAsTheAuthxGuard() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    crm.requireSiteKey(SITE_KEY);

    DeliveryOutcome outcome =
        deliver(
            new CallbackTarget(
                crm.url(), CallbackFormat.CIVICRM, API_KEY, "wrong-" + SITE_KEY, null),
            payload("succeeded", "42", 1234, "eur", 0),
            1);

    DeliveryOutcome.Retry retry = assertInstanceOf(DeliveryOutcome.Retry.class, outcome);
    assertEquals(401, retry.statusCode());
    assertTrue(retry.error().contains("authx guard not met"), retry.error());
    assertTrue(crm.payments().isEmpty());
  }

  @Test
  void aServerErrorIsRetriedWithCiviCrmsErrorIdButNotItsText() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    crm.failNext(500);

    DeliveryOutcome outcome = deliver(payload("succeeded", "42", 1234, "eur", 0));

    assertEquals(
        new DeliveryOutcome.Retry(
            500, "CiviCRM Contribution/get: HTTP 500 (CiviCRM error ID AB12-CD34-EF56 in its log)"),
        outcome);
  }

  @Test
  void unavailableCiviCrmIsRetriedAndTheNextAttemptRecordsOnce() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    crm.failNext(503);
    String payload = payload("succeeded", "42", 1234, "eur", 0);

    DeliveryOutcome first = deliver(payload);
    DeliveryOutcome second = deliver(target(), payload, 2);

    assertEquals(
        new DeliveryOutcome.Retry(
            503,
            "CiviCRM Contribution/get: HTTP 503 (CiviCRM unavailable, maybe in maintenance mode)"),
        first);
    assertEquals(new DeliveryOutcome.Delivered(200), second);
    assertEquals(1, crm.payments().size());
  }

  @Test
  void noAnswerInTimeIsRetried() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    crm.delay(3_000);
    CiviCrmDelivery impatient =
        new CiviCrmDelivery(
            new JdkCiviCrmHttp(Duration.ofSeconds(5), Duration.ofMillis(200), LOOPBACK),
            CLOCK,
            this::stripeFee);

    DeliveryOutcome outcome =
        impatient.deliver(
            target(),
            new LeasedMessage(
                "msg_1",
                "civicrm-site",
                "payment.succeeded",
                payload("succeeded", "42", 1234, "eur", 0),
                1,
                CREATED,
                "broker-a",
                CREATED.plusSeconds(180)));
    outcomes.add(outcome);

    assertEquals(
        new DeliveryOutcome.Retry(
            null, "CiviCRM Contribution/get: no answer: HttpTimeoutException"),
        outcome);
  }

  @Test
  void aDeliveryOutOfTimeSendsNoFurtherCall() {
    crm.contribution(42, "EUR", "12.34", "Pending");
    // The first reading sets the deadline; every later one is past it.
    Clock late =
        new Clock() {
          private int readings;

          @Override
          public Instant instant() {
            return CREATED.plusSeconds(readings++ == 0 ? 0 : 60);
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
          }
        };
    CiviCrmDelivery slow =
        new CiviCrmDelivery(
            new JdkCiviCrmHttp(Duration.ofSeconds(5), Duration.ofSeconds(10), LOOPBACK),
            late,
            this::stripeFee);

    DeliveryOutcome outcome =
        slow.deliver(
            target(),
            new LeasedMessage(
                "msg_1",
                "civicrm-site",
                "payment.succeeded",
                payload("succeeded", "42", 1234, "eur", 0),
                1,
                CREATED,
                "broker-a",
                CREATED.plusSeconds(180)));

    assertEquals(
        new DeliveryOutcome.Retry(
            null, "CiviCRM Contribution/get: not sent, the delivery ran out of time"),
        outcome);
    assertTrue(crm.calls().isEmpty());
  }

  @Test
  void aRefusedConnectionIsRetried() {
    URI closed = crm.url();
    crm.close();

    DeliveryOutcome outcome =
        deliver(
            new CallbackTarget(closed, CallbackFormat.CIVICRM, API_KEY, null, null),
            payload("succeeded", "42", 1234, "eur", 0),
            1);

    DeliveryOutcome.Retry retry = assertInstanceOf(DeliveryOutcome.Retry.class, outcome);
    assertNull(retry.statusCode());
    assertTrue(retry.error().startsWith("CiviCRM Contribution/get: no answer: "), retry.error());
  }

  @Test
  void anAnswerThatIsNoApiResultIsAMisconfiguration() {
    crm.answerWith("<html><body>Welcome to our site</body></html>");
    String payload = payload("succeeded", "42", 1234, "eur", 0);

    DeliveryOutcome first = deliver(payload);
    DeliveryOutcome fifth = deliver(target(), payload, 5);

    assertEquals(
        new DeliveryOutcome.Retry(
            200,
            "CiviCRM Contribution/get: the answer is not an APIv4 result (is the URL the CiviCRM"
                + " base URL?)"),
        first);
    assertInstanceOf(DeliveryOutcome.GiveUp.class, fifth);
  }

  @Test
  void plainHttpIsRefusedExceptToLoopback() {
    DeliveryOutcome outcome =
        deliver(
            new CallbackTarget(
                URI.create("http://crm.example.org/"), CallbackFormat.CIVICRM, API_KEY, null, null),
            payload("succeeded", "42", 1234, "eur", 0),
            1);

    assertInstanceOf(DeliveryOutcome.GiveUp.class, outcome);
    assertEquals(
        URI.create("https://crm.example.org/sub/"),
        CiviCrmDelivery.baseUrl(URI.create("https://crm.example.org/sub")));
    assertNull(CiviCrmDelivery.baseUrl(URI.create("https://crm.example.org/?q=civicrm")));
    assertEquals(
        URI.create("http://[::1]:8080/"), CiviCrmDelivery.baseUrl(URI.create("http://[::1]:8080")));
  }

  @Test
  void anUnreadablePayloadGivesUp() {
    DeliveryOutcome outcome = deliver("{\"status\":\"succeeded\"}");

    assertEquals(
        new DeliveryOutcome.GiveUp(
            null, "callback unusable for CiviCRM: the payload has no string reference"),
        outcome);
  }
}
