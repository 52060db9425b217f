package org.cmsbroker.payment;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The smallest and largest accepted amount of one currency, in its minor units. Immutable.
 *
 * @param min the smallest amount, at least 1
 * @param max the largest amount, at least {@code min} and at most {@link #STRIPE_MAX}
 */
public record AmountBounds(long min, long max) {

  /** Stripe's largest amount: eight digits of minor units. */
  public static final long STRIPE_MAX = 99_999_999L;

  public AmountBounds {
    if (min < 1 || max < min || max > STRIPE_MAX) {
      throw new IllegalArgumentException(
          "Payment amount bounds need 1 <= min <= max <= " + STRIPE_MAX + " minor units.");
    }
  }

  /**
   * Bounds given in major units (euros, yen), converted with the currency's minor-unit digits as
   * Stripe counts them ({@link PaymentRules#minorUnitDigits}): EUR 0.50 is 50, JPY 50 is 50.
   *
   * @throws IllegalArgumentException if a bound has more decimals than the currency has
   */
  public static AmountBounds ofMajorUnits(String currency, BigDecimal min, BigDecimal max) {
    int digits = PaymentRules.minorUnitDigits(currency);
    return new AmountBounds(minor(min, digits), minor(max, digits));
  }

  private static long minor(BigDecimal major, int digits) {
    try {
      return Objects.requireNonNull(major, "bound").movePointRight(digits).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "A payment amount bound has more decimals than its currency.", e);
    }
  }
}
