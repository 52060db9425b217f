package org.cmsbroker.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.cmsbroker.payment.PaymentRejectedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per refusal, each asserting the reason and its fixed message. */
class PaymentRulesTest {

  private static final Set<String> ORIGINS =
      Set.of("https://www.example.org", "http://localhost:8080");

  private final PaymentRules rules =
      new PaymentRules(
          Map.of(
              "eur",
                  AmountBounds.ofMajorUnits("eur", new BigDecimal("1.00"), new BigDecimal("10000")),
              "jpy",
                  AmountBounds.ofMajorUnits(
                      "jpy", new BigDecimal("100"), new BigDecimal("1000000"))));

  private static PaymentRequest request() {
    return new PaymentRequest(
        2500,
        "eur",
        "Donation: summer camp",
        "civicrm-contribution-4711",
        "donor@example.org",
        "https://www.example.org/donate/thanks?c=4711",
        "https://www.example.org/donate",
        "redirect");
  }

  private static PaymentRequest with(String field, Object value) {
    PaymentRequest r = request();
    return new PaymentRequest(
        field.equals("amount") ? (Long) value : r.amount(),
        field.equals("currency") ? (String) value : r.currency(),
        field.equals("description") ? (String) value : r.description(),
        field.equals("reference") ? (String) value : r.reference(),
        field.equals("donorEmail") ? (String) value : r.donorEmail(),
        field.equals("returnUrl") ? (String) value : r.returnUrl(),
        field.equals("cancelUrl") ? (String) value : r.cancelUrl(),
        field.equals("mode") ? (String) value : r.mode());
  }

  private void refused(Reason reason, PaymentRequest request) {
    PaymentRejectedException e =
        assertThrows(PaymentRejectedException.class, () -> rules.validate(request, ORIGINS));
    assertEquals(reason, e.reason());
    assertEquals(reason.message(), e.getMessage());
  }

  @Test
  void acceptsAWellFormedRequest() throws Exception {
    NewPayment p = rules.validate(request(), ORIGINS);
    assertEquals(2500, p.amount());
    assertEquals("eur", p.currency());
    assertEquals("Donation: summer camp", p.description());
    assertEquals("civicrm-contribution-4711", p.reference());
    assertEquals("donor@example.org", p.donorEmail());
    assertEquals(URI.create("https://www.example.org/donate/thanks?c=4711"), p.returnUrl());
    assertEquals(URI.create("https://www.example.org/donate"), p.cancelUrl());
    assertEquals(PaymentMode.REDIRECT, p.mode());
  }

  @Test
  void normalisesCurrencyModeAndOptionalFields() throws Exception {
    PaymentRequest r =
        new PaymentRequest(
            100,
            "EUR",
            "  Gift ",
            " ref-1 ",
            " ",
            "https://WWW.example.org:443/t",
            null,
            "embedded");
    NewPayment p = rules.validate(r, ORIGINS);
    assertEquals("eur", p.currency());
    assertEquals("Gift", p.description());
    assertEquals("ref-1", p.reference());
    assertNull(p.donorEmail());
    assertNull(p.cancelUrl());
    assertEquals(PaymentMode.EMBEDDED, p.mode());
    assertEquals(PaymentMode.REDIRECT, rules.validate(with("mode", null), ORIGINS).mode());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"description", "reference", "donorEmail", "returnUrl", "cancelUrl", "currency"})
  void refusesCardNumberInAnyField(String field) {
    String value =
        switch (field) {
          case "donorEmail" -> "4242424242424242@example.org";
          case "returnUrl", "cancelUrl" -> "https://www.example.org/t?pan=4242-4242-4242-4242";
          default -> "card 4242 4242 4242 4242";
        };
    refused(Reason.CARD_NUMBER_IN_REQUEST, with(field, value));
  }

  @Test
  void cardNumberRefusalComesFirstAndNeverEchoes() {
    PaymentRequest r = with("description", "x".repeat(500) + " 5555-5555-5555-4444");
    PaymentRejectedException e =
        assertThrows(PaymentRejectedException.class, () -> rules.validate(r, ORIGINS));
    assertEquals(Reason.CARD_NUMBER_IN_REQUEST, e.reason());
    assertFalse(e.getMessage().contains("4444"));
  }

  @Test
  void refusesUnknownMode() {
    refused(Reason.INVALID_MODE, with("mode", "iframe"));
    refused(Reason.INVALID_MODE, with("mode", "REDIRECT "));
  }

  @Test
  void refusesMalformedCurrency() {
    refused(Reason.INVALID_CURRENCY, with("currency", null));
    refused(Reason.INVALID_CURRENCY, with("currency", "euro"));
    refused(Reason.INVALID_CURRENCY, with("currency", "€"));
    refused(Reason.INVALID_CURRENCY, with("currency", "e1r"));
  }

  @Test
  void refusesCurrencyOutsideAllowList() {
    refused(Reason.UNSUPPORTED_CURRENCY, with("currency", "usd"));
    refused(Reason.UNSUPPORTED_CURRENCY, with("currency", "xyz"));
  }

  @Test
  void refusesNonPositiveAmount() {
    refused(Reason.INVALID_AMOUNT, with("amount", 0L));
    refused(Reason.INVALID_AMOUNT, with("amount", -100L));
  }

  @Test
  void refusesAmountBelowCurrencyMinimum() throws Exception {
    refused(Reason.AMOUNT_TOO_SMALL, with("amount", 99L));
    assertEquals(100, rules.validate(with("amount", 100L), ORIGINS).amount());
  }

  @Test
  void refusesAmountAboveCurrencyMaximum() throws Exception {
    assertEquals(1_000_000, rules.validate(with("amount", 1_000_000L), ORIGINS).amount());
    refused(Reason.AMOUNT_TOO_LARGE, with("amount", 1_000_001L));
  }

  @Test
  void boundsRespectZeroDecimalCurrencies() throws Exception {
    // JPY has no minor unit: 100 is one hundred yen, not one yen.
    PaymentRequest yen =
        new PaymentRequest(
            100,
            "jpy",
            "Gift",
            "r",
            null,
            "https://www.example.org/t",
            "https://www.example.org/c",
            null);
    assertEquals(100, rules.validate(yen, ORIGINS).amount());
    PaymentRequest tooFew =
        new PaymentRequest(
            99,
            "jpy",
            "Gift",
            "r",
            null,
            "https://www.example.org/t",
            "https://www.example.org/c",
            null);
    refused(Reason.AMOUNT_TOO_SMALL, tooFew);
    assertEquals(0, PaymentRules.minorUnitDigits("jpy"));
    assertEquals(2, PaymentRules.minorUnitDigits("eur"));
    assertEquals(
        new AmountBounds(50, 1_000_000),
        AmountBounds.ofMajorUnits("eur", new BigDecimal("0.50"), new BigDecimal("10000")));
    assertEquals(
        new AmountBounds(50, 1_000_000),
        AmountBounds.ofMajorUnits("jpy", new BigDecimal("50"), new BigDecimal("1000000")));
    assertThrows(
        IllegalArgumentException.class,
        () -> AmountBounds.ofMajorUnits("jpy", new BigDecimal("0.5"), BigDecimal.TEN));
  }

  @Test
  void refusesMissingDescription() {
    refused(Reason.MISSING_DESCRIPTION, with("description", null));
    refused(Reason.MISSING_DESCRIPTION, with("description", "   "));
  }

  @Test
  void refusesOverlongDescription() throws Exception {
    String max = "é".repeat(PaymentRules.MAX_DESCRIPTION);
    assertEquals(max, rules.validate(with("description", max), ORIGINS).description());
    refused(Reason.DESCRIPTION_TOO_LONG, with("description", max + "x"));
  }

  @Test
  void refusesControlCharactersInDescription() {
    refused(Reason.DESCRIPTION_HAS_CONTROL_CHARACTERS, with("description", "two\nlines"));
    refused(Reason.DESCRIPTION_HAS_CONTROL_CHARACTERS, with("description", "evil\u001b[31m"));
    refused(Reason.DESCRIPTION_HAS_CONTROL_CHARACTERS, with("description", "abc\u202edcb"));
  }

  @Test
  void refusesMissingReference() {
    refused(Reason.MISSING_REFERENCE, with("reference", null));
    refused(Reason.MISSING_REFERENCE, with("reference", ""));
  }

  @Test
  void refusesOverlongReference() {
    refused(
        Reason.REFERENCE_TOO_LONG, with("reference", "r".repeat(PaymentRules.MAX_REFERENCE + 1)));
  }

  @Test
  void refusesControlCharactersInReference() {
    refused(Reason.REFERENCE_HAS_CONTROL_CHARACTERS, with("reference", "ref\t1"));
    refused(Reason.REFERENCE_HAS_CONTROL_CHARACTERS, with("reference", "ref\u200b1"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "donor",
        "donor@",
        "@example.org",
        "donor@example",
        "do nor@example.org",
        "donor@exa mple.org",
        "donor@@example.org",
        "donor@-example.org",
        "donor@example..org",
        "donor@example.org\r\nBcc: x@example.org",
        "\"donor\"@example.org",
        "dönor@example.org",
      })
  void refusesInvalidDonorEmail(String email) {
    refused(Reason.INVALID_DONOR_EMAIL, with("donorEmail", email));
  }

  @Test
  void refusesOverlongDonorEmail() throws Exception {
    String local = "d".repeat(64);
    String ok = local + "@" + "e".repeat(60) + ".example.org";
    assertEquals(ok, rules.validate(with("donorEmail", ok), ORIGINS).donorEmail());
    refused(Reason.INVALID_DONOR_EMAIL, with("donorEmail", "d" + ok));
    refused(
        Reason.INVALID_DONOR_EMAIL,
        with("donorEmail", "d@" + ("e".repeat(60) + ".").repeat(5) + "org"));
  }

  @Test
  void refusesMissingReturnUrl() {
    refused(Reason.MISSING_RETURN_URL, with("returnUrl", null));
    refused(Reason.MISSING_RETURN_URL, with("returnUrl", ""));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/donate/thanks",
        "https:thanks",
        "https:///thanks",
        "https://www.example .org/",
        "https://user:pw@www.example.org/thanks",
        "javascript:alert(1)",
        "https://www.example.org/\nthanks",
      })
  void refusesInvalidReturnUrl(String url) {
    refused(Reason.INVALID_RETURN_URL, with("returnUrl", url));
  }

  @Test
  void refusesOverlongReturnUrl() {
    refused(
        Reason.INVALID_RETURN_URL,
        with("returnUrl", "https://www.example.org/" + "x".repeat(PaymentRules.MAX_URL)));
  }

  @Test
  void refusesPlainHttpReturnUrlExceptOnLoopback() throws Exception {
    refused(Reason.RETURN_URL_NOT_HTTPS, with("returnUrl", "http://www.example.org/thanks"));
    refused(Reason.RETURN_URL_NOT_HTTPS, with("returnUrl", "ftp://www.example.org/thanks"));
    assertEquals(
        URI.create("http://localhost:8080/thanks"),
        rules.validate(with("returnUrl", "http://localhost:8080/thanks"), ORIGINS).returnUrl());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://evil.example/thanks",
        "https://www.example.org.evil.example/thanks",
        "https://example.org/thanks",
        "https://www.example.org:8443/thanks",
        "http://localhost:8081/thanks",
        "http://127.0.0.1:8080/thanks",
      })
  void refusesReturnUrlOnForeignOrigin(String url) {
    refused(Reason.RETURN_URL_FOREIGN_ORIGIN, with("returnUrl", url));
  }

  @Test
  void refusesMissingCancelUrlInRedirectMode() throws Exception {
    refused(Reason.MISSING_CANCEL_URL, with("cancelUrl", null));
    refused(Reason.MISSING_CANCEL_URL, with("cancelUrl", " "));
  }

  @Test
  void refusesInvalidCancelUrl() {
    refused(Reason.INVALID_CANCEL_URL, with("cancelUrl", "/donate"));
  }

  @Test
  void refusesPlainHttpCancelUrl() {
    refused(Reason.CANCEL_URL_NOT_HTTPS, with("cancelUrl", "http://www.example.org/donate"));
  }

  @Test
  void refusesCancelUrlOnForeignOrigin() {
    refused(Reason.CANCEL_URL_FOREIGN_ORIGIN, with("cancelUrl", "https://evil.example/donate"));
  }

  @Test
  void refusesEveryUrlWhenClientHasNoWebOrigin() {
    PaymentRejectedException e =
        assertThrows(PaymentRejectedException.class, () -> rules.validate(request(), Set.of()));
    assertEquals(Reason.RETURN_URL_FOREIGN_ORIGIN, e.reason());
  }

  @Test
  void refusesUnusableConfigurationAtConstruction() {
    AmountBounds b = new AmountBounds(100, 1000);
    assertThrows(IllegalArgumentException.class, () -> new PaymentRules(Map.of()));
    assertThrows(IllegalArgumentException.class, () -> new PaymentRules(Map.of("EUR", b)));
    assertThrows(IllegalArgumentException.class, () -> new PaymentRules(Map.of("xyz", b)));
    assertThrows(IllegalArgumentException.class, () -> new PaymentRules(Map.of("kwd", b)));
    assertThrows(IllegalArgumentException.class, () -> new AmountBounds(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new AmountBounds(10, 9));
    assertThrows(
        IllegalArgumentException.class, () -> new AmountBounds(1, AmountBounds.STRIPE_MAX + 1));
  }
}
