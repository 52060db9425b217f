package org.cmsbroker.money;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Amounts as Stripe counts them: whole minor units of a currency (EUR 12.50 is 1250, JPY 50 is 50).
 * Payments validate with it and the CRM deliveries turn minor units into decimal amounts with it,
 * so neither reaches into the other. Stateless.
 */
public final class Money {

  /** Stripe's zero-decimal currencies: the amount is in whole units. */
  private static final Set<String> ZERO_DECIMAL =
      Set.of(
          "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "vnd", "vuv", "xaf",
          "xof", "xpf");

  /**
   * Currencies with extra Stripe amount rules (three decimals with a trailing zero, or two-decimal
   * amounts that must be whole units) that the broker does not implement.
   */
  private static final Set<String> NOT_SUPPORTED =
      Set.of("bhd", "jod", "kwd", "omr", "tnd", "isk", "huf", "twd", "ugx");

  private Money() {}

  /**
   * The number of minor-unit digits Stripe uses for {@code currency}: 0 for zero-decimal currencies
   * such as JPY, else 2.
   *
   * @throws IllegalArgumentException if it is not an ISO 4217 code or not supported
   */
  public static int minorUnitDigits(String currency) {
    String code = Objects.requireNonNull(currency, "currency").toLowerCase(Locale.ROOT);
    try {
      Currency.getInstance(code.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("A payment currency must be an ISO 4217 code.", e);
    }
    if (NOT_SUPPORTED.contains(code)) {
      throw new IllegalArgumentException(
          "This payment currency has Stripe amount rules the broker does not support.");
    }
    return ZERO_DECIMAL.contains(code) ? 0 : 2;
  }

  /**
   * {@code minorUnits} of {@code currency} as a decimal amount: 1250 EUR is 12.50.
   *
   * @throws IllegalArgumentException as {@link #minorUnitDigits}
   */
  public static BigDecimal decimal(long minorUnits, String currency) {
    return BigDecimal.valueOf(minorUnits, minorUnitDigits(currency));
  }
}
