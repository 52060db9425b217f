package org.cmsbroker.payment;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.cmsbroker.money.Money;
import org.cmsbroker.payment.PaymentRejectedException.Reason;

/**
 * Validates a client's {@link PaymentRequest}, in order, each refusal with its own {@link Reason}:
 *
 * <ol>
 *   <li>no field holds card-number-looking text ({@link CardNumberDetector}); first, so no later
 *       step handles such a value;
 *   <li>mode: {@code redirect} (also when absent) or {@code embedded};
 *   <li>currency: three letters (lower-cased), then one of the accepted currencies;
 *   <li>amount: positive, then within the currency's {@link AmountBounds} (minor units, so
 *       zero-decimal currencies such as JPY have their own bounds);
 *   <li>description and reference: present, at most {@value #MAX_DESCRIPTION} and {@value
 *       #MAX_REFERENCE} characters, no control or formatting characters;
 *   <li>donor email, when given: a plain ASCII address of at most {@value #MAX_EMAIL} characters;
 *   <li>return URL, then cancel URL (needed in redirect mode): absolute with a host and no user
 *       information, at most {@value #MAX_URL} characters, https (http only on a loopback host),
 *       and its origin ({@code scheme://host[:port]}, default port dropped) one of the client's
 *       registered web origins.
 * </ol>
 *
 * <p>Immutable and thread-safe.
 */
public final class PaymentRules {

  public static final int MAX_DESCRIPTION = 200;
  public static final int MAX_REFERENCE = 100;
  public static final int MAX_EMAIL = 254;
  public static final int MAX_URL = 2000;

  /** Currencies Stripe counts without a minor unit: the amount is in whole units. */
  private static final Pattern CURRENCY = Pattern.compile("[a-z]{3}");

  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\p{Cf}\\p{Zl}\\p{Zp}]");
  private static final Pattern EMAIL =
      Pattern.compile(
          "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
              + "@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");
  private static final int MAX_EMAIL_LOCAL_PART = 64;
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

  private final Map<String, AmountBounds> bounds;

  /**
   * Rules accepting exactly the given currencies.
   *
   * @param bounds per lower-case ISO 4217 code, the accepted amounts in minor units
   * @throws IllegalArgumentException if none is given, a code is not a lower-case ISO 4217 code, or
   *     a currency is not supported
   */
  public PaymentRules(Map<String, AmountBounds> bounds) {
    if (bounds == null || bounds.isEmpty()) {
      throw new IllegalArgumentException("At least one payment currency must be accepted.");
    }
    for (Map.Entry<String, AmountBounds> entry : bounds.entrySet()) {
      if (entry.getKey() == null || !CURRENCY.matcher(entry.getKey()).matches()) {
        throw new IllegalArgumentException(
            "A payment currency is a lower-case ISO 4217 code, for example eur.");
      }
      minorUnitDigits(entry.getKey());
      Objects.requireNonNull(entry.getValue(), "bounds");
    }
    this.bounds = Map.copyOf(bounds);
  }

  /**
   * The number of minor-unit digits Stripe uses for {@code currency}: 0 for zero-decimal currencies
   * such as JPY, else 2.
   *
   * @throws IllegalArgumentException if it is not an ISO 4217 code or not supported
   */
  public static int minorUnitDigits(String currency) {
    return Money.minorUnitDigits(currency);
  }

  /**
   * Checks {@code request} for a client whose registered web origins are {@code webOrigins}.
   *
   * @param webOrigins the client's origins, {@code scheme://host[:port]}; may be empty
   * @return the normalised payment
   * @throws PaymentRejectedException at the first rule it breaks
   */
  public NewPayment validate(PaymentRequest request, Set<String> webOrigins)
      throws PaymentRejectedException {
    Objects.requireNonNull(request, "request");
    noCardNumber(request);
    PaymentMode mode = mode(request.mode());
    String currency = currency(request.currency());
    long amount = amount(request.amount(), bounds.get(currency));
    String description =
        text(
            request.description(),
            MAX_DESCRIPTION,
            Reason.MISSING_DESCRIPTION,
            Reason.DESCRIPTION_TOO_LONG,
            Reason.DESCRIPTION_HAS_CONTROL_CHARACTERS);
    String reference =
        text(
            request.reference(),
            MAX_REFERENCE,
            Reason.MISSING_REFERENCE,
            Reason.REFERENCE_TOO_LONG,
            Reason.REFERENCE_HAS_CONTROL_CHARACTERS);
    String email = email(request.donorEmail());
    Set<String> origins = origins(webOrigins);
    URI returnUrl =
        url(
            request.returnUrl(),
            origins,
            Reason.INVALID_RETURN_URL,
            Reason.RETURN_URL_NOT_HTTPS,
            Reason.RETURN_URL_FOREIGN_ORIGIN);
    if (returnUrl == null) {
      throw new PaymentRejectedException(Reason.MISSING_RETURN_URL);
    }
    URI cancelUrl =
        url(
            request.cancelUrl(),
            origins,
            Reason.INVALID_CANCEL_URL,
            Reason.CANCEL_URL_NOT_HTTPS,
            Reason.CANCEL_URL_FOREIGN_ORIGIN);
    if (cancelUrl == null && mode == PaymentMode.REDIRECT) {
      throw new PaymentRejectedException(Reason.MISSING_CANCEL_URL);
    }
    return new NewPayment(
        amount, currency, description, reference, email, returnUrl, cancelUrl, mode);
  }

  private static void noCardNumber(PaymentRequest r) throws PaymentRejectedException {
    for (String field :
        new String[] {
          r.currency(),
          r.description(),
          r.reference(),
          r.donorEmail(),
          r.returnUrl(),
          r.cancelUrl(),
          r.mode()
        }) {
      if (CardNumberDetector.containsCardNumber(field)) {
        throw new PaymentRejectedException(Reason.CARD_NUMBER_IN_REQUEST);
      }
    }
  }

  private static PaymentMode mode(String value) throws PaymentRejectedException {
    if (value == null) {
      return PaymentMode.REDIRECT;
    }
    for (PaymentMode mode : PaymentMode.values()) {
      if (mode.code().equals(value)) {
        return mode;
      }
    }
    throw new PaymentRejectedException(Reason.INVALID_MODE);
  }

  private String currency(String value) throws PaymentRejectedException {
    String code = value == null ? "" : value.toLowerCase(Locale.ROOT);
    if (!CURRENCY.matcher(code).matches()) {
      throw new PaymentRejectedException(Reason.INVALID_CURRENCY);
    }
    if (!bounds.containsKey(code)) {
      throw new PaymentRejectedException(Reason.UNSUPPORTED_CURRENCY);
    }
    return code;
  }

  private static long amount(long amount, AmountBounds bounds) throws PaymentRejectedException {
    if (amount <= 0) {
      throw new PaymentRejectedException(Reason.INVALID_AMOUNT);
    }
    if (amount < bounds.min()) {
      throw new PaymentRejectedException(Reason.AMOUNT_TOO_SMALL);
    }
    if (amount > bounds.max()) {
      throw new PaymentRejectedException(Reason.AMOUNT_TOO_LARGE);
    }
    return amount;
  }

  private static String text(String value, int max, Reason missing, Reason tooLong, Reason control)
      throws PaymentRejectedException {
    String text = value == null ? "" : value.strip();
    if (text.isEmpty()) {
      throw new PaymentRejectedException(missing);
    }
    if (text.codePointCount(0, text.length()) > max) {
      throw new PaymentRejectedException(tooLong);
    }
    if (CONTROL.matcher(text).find()) {
      throw new PaymentRejectedException(control);
    }
    return text;
  }

  private static String email(String value) throws PaymentRejectedException {
    if (value == null || value.isBlank()) {
      return null;
    }
    String email = value.strip();
    if (email.length() > MAX_EMAIL
        || !EMAIL.matcher(email).matches()
        || email.indexOf('@') > MAX_EMAIL_LOCAL_PART) {
      throw new PaymentRejectedException(Reason.INVALID_DONOR_EMAIL);
    }
    return email;
  }

  /** The registered origins in the form {@link #origin} gives; unparsable entries match nothing. */
  private static Set<String> origins(Set<String> webOrigins) {
    Set<String> origins = new HashSet<>();
    for (String value : webOrigins == null ? Set.<String>of() : webOrigins) {
      if (value == null) {
        continue;
      }
      try {
        URI uri = new URI(value);
        if (uri.isAbsolute() && !uri.isOpaque() && uri.getHost() != null) {
          origins.add(origin(uri));
        }
      } catch (URISyntaxException e) {
        // Registered origins were checked at registration; a bad one simply never matches.
      }
    }
    return origins;
  }

  /** {@code scheme://host[:port]} in lower case, the scheme's default port left out. */
  private static String origin(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || (scheme.equals("https") && port == 443)
            || (scheme.equals("http") && port == 80);
    return scheme
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port);
  }

  /** The checked URL, or null when none (null or blank) is given. */
  private static URI url(
      String value, Set<String> origins, Reason invalid, Reason notHttps, Reason foreign)
      throws PaymentRejectedException {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > MAX_URL || CONTROL.matcher(value).find()) {
      throw new PaymentRejectedException(invalid);
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new PaymentRejectedException(invalid);
    }
    if (!uri.isAbsolute()
        || uri.isOpaque()
        || uri.getHost() == null
        || uri.getHost().isEmpty()
        || uri.getRawUserInfo() != null) {
      throw new PaymentRejectedException(invalid);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    boolean loopback = LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT));
    if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
      throw new PaymentRejectedException(notHttps);
    }
    if (!origins.contains(origin(uri))) {
      throw new PaymentRejectedException(foreign);
    }
    return uri;
  }
}
