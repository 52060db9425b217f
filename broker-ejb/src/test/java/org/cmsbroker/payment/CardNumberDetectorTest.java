package org.cmsbroker.payment;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CardNumberDetectorTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "4242424242424242",
        "4242 4242 4242 4242",
        "5555-5555-5555-4444",
        "378282246310005",
        "3782 822463 10005",
        "4242-4242 4242-4242",
        "Donation, card 4242 4242 4242 4242 exp 12/34",
        "ref:4242424242424242.",
        "x4242424242424242y",
        "Order 12345 4242 4242 4242 4242",
        "4242 4242 4242 4242 12/34",
        "6011111111111117",
        "4000056655665556",
        "4222222222222",
        "6200000000000005",
        "3056930009020004",
      })
  void detectsCardNumbers(String text) {
    assertTrue(CardNumberDetector.containsCardNumber(text), text);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "Donation for the summer camp",
        "4242424242424241",
        "4242 4242 4242 4241",
        "5555-5555-5555-4445",
        "378282246310006",
        "424242424242",
        "4242 4242 4242",
        "42424242424242424242",
        "4242424242424242424242",
        "04242424242424242000",
        "4242  4242  4242  4242",
        "4242--4242--4242--4242",
        "4242 - 4242 - 4242 - 4242",
        "4242.4242.4242.4242",
        "4242_4242_4242_4242",
        "CiviCRM contribution 123456",
        "+41 44 668 18 00",
        "2025-06-01",
      })
  void ignoresNearMisses(String text) {
    assertFalse(CardNumberDetector.containsCardNumber(text), text);
  }
}
