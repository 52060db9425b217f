package org.cmsbroker.callback.civicrm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.cmsbroker.callback.CallbackDelivery;
import org.cmsbroker.callback.CallbackFormat;
import org.cmsbroker.callback.CallbackTarget;
import org.cmsbroker.callback.DeliveryOutcome;
import org.cmsbroker.callback.LeasedMessage;
import org.cmsbroker.callback.PaymentFees;
import org.cmsbroker.callback.civicrm.CiviCrmApi.CallFailedException;
import org.cmsbroker.money.Money;

/**
 * Records a payment's outcome in CiviCRM through APIv4 (CiviCRM 5.76 or later), against the
 * contribution whose id is the payment's reference. Each delivery reconciles CiviCRM with the
 * payment's state in the message, so a repeated or late message records nothing twice:
 *
 * <ol>
 *   <li>{@code Contribution/get} the contribution: none (or invisible to the API user) or another
 *       currency gives up at once.
 *   <li>{@code succeeded}, {@code partially_refunded}, {@code refunded}: {@code FinancialTrxn/get}
 *       the payments whose {@code trxn_id} starts with the transaction id; unless one is exactly
 *       the transaction id, {@code Payment/create} it for the full amount with Stripe's fee as
 *       {@code fee_amount} (from {@link PaymentFees}; CiviCRM books total less fee as net) and the
 *       outcome's time as {@code trxn_date} in the site's time zone (CiviCRM's Payment API
 *       completes the contribution and sends its receipt, as after any online payment). For a
 *       refund, unless a payment {@code <txn>-refund-<amount_refunded>} exists, {@code
 *       Payment/create} a negative payment with that trxn_id for the part of {@code
 *       amount_refunded} not yet recorded under {@code <txn>-refund-*} (CiviCRM's documented way to
 *       record a refund: docs.civicrm.org/dev/en/latest/financial/paymentAPI/; a full refund turns
 *       the contribution Refunded).
 *   <li>{@code failed}: the contribution becomes Failed, {@code expired}: Cancelled; both only
 *       while it is Pending ({@code Contribution/update} with that condition), so a late message
 *       never undoes a payment.
 *   <li>{@code disputed}: a Note on the contribution ({@code Note/get}, then {@code Note/create})
 *       saying Stripe reports a dispute; the contribution itself is left alone, as a dispute may
 *       still be won. {@code pending}: nothing.
 * </ol>
 *
 * <p>HTTP answers are judged with {@link org.cmsbroker.callback.Dispatcher#judge}; all calls of one
 * delivery together get {@link #DELIVERY_BUDGET}, the time the dispatcher's lease allows a message.
 * Errors name the call and the reason, never the API key, the site key or CiviCRM's own texts.
 * Thread-safe.
 */
@ApplicationScoped
public class CiviCrmDelivery implements CallbackDelivery {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** All calls of one delivery together. */
  static final Duration DELIVERY_BUDGET = CONNECT_TIMEOUT.plus(REQUEST_TIMEOUT);

  /** CiviCRM ids are unsigned 32-bit integers. */
  private static final long MAX_ID = 4_294_967_295L;

  private static final Pattern POSITIVE_INTEGER = Pattern.compile("[1-9][0-9]{0,9}");

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

  /**
   * A plain date-time every CiviCRM date path reads (PHP strtotime and isoToMysql alike), as the
   * site's local time: it carries no zone, so it is written in the client's CiviCRM time zone.
   */
  private static final DateTimeFormatter TRXN_DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private final CiviCrmHttp http;
  private final Clock clock;

  /**
   * Stripe's fee of a payment; set by CDI (after the constructor), or by the tests' constructor.
   */
  @Inject PaymentFees fees;

  /** For CDI proxies. */
  protected CiviCrmDelivery() {
    this.http = null;
    this.clock = null;
  }

  /**
   * For CDI: the bounded client with {@link #CONNECT_TIMEOUT}, {@link #REQUEST_TIMEOUT} and the
   * configured outbound policy.
   */
  @Inject
  public CiviCrmDelivery(org.cmsbroker.config.BrokerConfig config, Clock clock) {
    this(
        new JdkCiviCrmHttp(CONNECT_TIMEOUT, REQUEST_TIMEOUT, config.outboundPolicy()), clock, null);
  }

  CiviCrmDelivery(CiviCrmHttp http, Clock clock, PaymentFees fees) {
    this.http = http;
    this.clock = clock;
    this.fees = fees;
  }

  @Override
  public CallbackFormat format() {
    return CallbackFormat.CIVICRM;
  }

  @Override
  public DeliveryOutcome deliver(CallbackTarget target, LeasedMessage message) {
    if (target.format() != CallbackFormat.CIVICRM) {
      return new DeliveryOutcome.Retry(null, "the client's callback target is not a CiviCRM one");
    }
    URI base = baseUrl(target.url());
    if (base == null) {
      return new DeliveryOutcome.GiveUp(
          null,
          "CiviCRM URL unusable: an https base URL without query is needed (http only for"
              + " loopback)");
    }
    PaymentCallback payment;
    try {
      payment = PaymentCallback.parse(message.payload());
    } catch (PaymentCallback.UnusablePayloadException e) {
      return new DeliveryOutcome.GiveUp(null, "callback unusable for CiviCRM: " + e.getMessage());
    }
    long contributionId = contributionId(payment.reference());
    if (contributionId == 0) {
      return new DeliveryOutcome.GiveUp(
          null, "the payment's reference is not a CiviCRM contribution id (a positive integer)");
    }
    int digits;
    try {
      digits = Money.minorUnitDigits(payment.currency());
    } catch (IllegalArgumentException e) {
      return new DeliveryOutcome.GiveUp(null, "the payment's currency is not supported");
    }
    CiviCrmApi api =
        new CiviCrmApi(
            http,
            base,
            target.secret(),
            target.siteKey(),
            clock,
            clock.instant().plus(DELIVERY_BUDGET),
            message.attempts());
    try {
      Contribution contribution = contribution(api, contributionId);
      if (!contribution.currency().equalsIgnoreCase(payment.currency())) {
        return new DeliveryOutcome.GiveUp(
            api.lastStatus(),
            "currency mismatch: payment in "
                + payment.currency().toUpperCase(Locale.ROOT)
                + ", CiviCRM contribution "
                + contributionId
                + " in "
                + contribution.currency());
      }
      switch (payment.status()) {
        case "pending" -> {
          // Nothing happened yet that CiviCRM needs to know.
        }
        case "failed" -> closeIfPending(api, contribution, "Failed");
        case "expired" -> closeIfPending(api, contribution, "Cancelled");
        case "succeeded", "partially_refunded", "refunded" ->
            recordPayments(
                api,
                fees,
                contributionId,
                payment,
                digits,
                trxnDate(payment, message, target.timeZone()));
        default -> {
          return new DeliveryOutcome.GiveUp(
              null, CiviCrmApi.clip("unknown payment status for CiviCRM: " + payment.status()));
        }
      }
      if (payment.disputed()) {
        noteDispute(api, contributionId, payment.transactionId());
      }
      return new DeliveryOutcome.Delivered(api.lastStatus());
    } catch (CallFailedException e) {
      return e.failure();
    }
  }

  /** What the adapter reads of a contribution. */
  private record Contribution(long id, String currency, String status) {}

  private static Contribution contribution(CiviCrmApi api, long id) throws CallFailedException {
    JsonObject params = new JsonObject();
    params.add("select", strings("id", "currency", "contribution_status_id:name"));
    params.add("where", where(condition("id", "=", id)));
    params.addProperty("limit", 1);
    JsonArray values = api.call("Contribution", "get", params);
    if (values.isEmpty() || !values.get(0).isJsonObject()) {
      throw new CallFailedException(
          new DeliveryOutcome.GiveUp(
              api.lastStatus(),
              "CiviCRM contribution "
                  + id
                  + " not found (or not visible to the API user): check the payment's reference"));
    }
    JsonObject c = values.get(0).getAsJsonObject();
    String currency = text(c, "currency");
    String status = text(c, "contribution_status_id:name");
    if (currency == null || status == null) {
      throw new CallFailedException(
          api.misconfigured(
              api.lastStatus(), "CiviCRM Contribution/get: no currency or status in the answer"));
    }
    return new Contribution(id, currency, status);
  }

  /** Sets {@code status} while the contribution is Pending, in one conditional update. */
  private static void closeIfPending(CiviCrmApi api, Contribution contribution, String status)
      throws CallFailedException {
    if (!"Pending".equals(contribution.status())) {
      return;
    }
    JsonObject values = new JsonObject();
    values.addProperty("contribution_status_id:name", status);
    JsonObject params = new JsonObject();
    params.add("values", values);
    params.add(
        "where",
        where(
            condition("id", "=", contribution.id()),
            condition("contribution_status_id:name", "=", "Pending")));
    api.call("Contribution", "update", params);
  }

  /**
   * The {@code trxn_date} CiviCRM records: when the payment's outcome happened (Stripe's event
   * time), else when the message was queued, as a plain local date-time in the site's time zone,
   * which is how CiviCRM reads it.
   */
  static String trxnDate(PaymentCallback payment, LeasedMessage message, ZoneId siteZone) {
    Instant when = payment.occurredAt() != null ? payment.occurredAt() : message.createdAt();
    return TRXN_DATE.withZone(siteZone).format(when);
  }

  private static void recordPayments(
      CiviCrmApi api,
      PaymentFees fees,
      long contributionId,
      PaymentCallback payment,
      int digits,
      String date)
      throws CallFailedException {
    String txn = payment.transactionId();
    String refundPrefix = txn + "-refund-";
    String refundTrxnId = refundPrefix + payment.amountRefunded();
    JsonObject query = new JsonObject();
    query.add("select", strings("id", "trxn_id", "total_amount"));
    query.add(
        "where",
        where(condition("is_payment", "=", true), condition("trxn_id", "LIKE", txn + "%")));
    JsonArray trxns = api.call("FinancialTrxn", "get", query);
    boolean paid = false;
    boolean refundRecorded = false;
    long refundedInCiviCrm = 0;
    for (JsonElement e : trxns) {
      if (!e.isJsonObject()) {
        continue;
      }
      JsonObject t = e.getAsJsonObject();
      String trxnId = text(t, "trxn_id");
      Long amount = minorUnits(t.get("total_amount"), digits);
      if (trxnId == null || amount == null) {
        continue;
      }
      if (trxnId.equals(txn) && amount > 0) {
        paid = true;
      } else if (trxnId.startsWith(refundPrefix)
          && DIGITS.matcher(trxnId.substring(refundPrefix.length())).matches()
          && amount < 0) {
        refundedInCiviCrm -= amount;
        refundRecorded |= trxnId.equals(refundTrxnId);
      }
    }
    if (!paid) {
      // A refund implies the payment: record it first if its own message has not done so.
      Long fee = fee(fees, txn);
      if (fee != null && fee > payment.amount()) {
        throw new CallFailedException(
            new DeliveryOutcome.GiveUp(null, "Stripe's fee exceeds the payment's amount"));
      }
      createPayment(api, contributionId, payment.amount(), fee, digits, txn, date, true);
    }
    long missing = payment.amountRefunded() - refundedInCiviCrm;
    if (payment.amountRefunded() > 0 && !refundRecorded && missing > 0) {
      createPayment(api, contributionId, -missing, null, digits, refundTrxnId, date, false);
    }
  }

  /** Stripe's fee of the payment, or null when there is none to record. */
  private static Long fee(PaymentFees fees, String txn) throws CallFailedException {
    try {
      OptionalLong fee = fees.fee(txn);
      return fee.isPresent() ? fee.getAsLong() : null;
    } catch (IOException e) {
      throw new CallFailedException(
          new DeliveryOutcome.Retry(null, "Stripe's fee could not be read; tried again later"));
    }
  }

  private static void createPayment(
      CiviCrmApi api,
      long contributionId,
      long minorUnits,
      Long feeMinorUnits,
      int digits,
      String trxnId,
      String date,
      boolean notify)
      throws CallFailedException {
    JsonObject values = new JsonObject();
    values.addProperty("contribution_id", contributionId);
    values.addProperty("total_amount", BigDecimal.valueOf(minorUnits, digits));
    if (feeMinorUnits != null) {
      // Stripe's fee: CiviCRM books it as a fee and the payment's net amount as total - fee.
      values.addProperty("fee_amount", BigDecimal.valueOf(feeMinorUnits, digits));
    }
    values.addProperty("trxn_id", trxnId);
    values.addProperty("trxn_date", date);
    values.addProperty("is_send_contribution_notification", notify);
    JsonObject params = new JsonObject();
    params.add("values", values);
    api.call("Payment", "create", params);
  }

  private static void noteDispute(CiviCrmApi api, long contributionId, String txn)
      throws CallFailedException {
    String subject = "Card payment disputed (" + txn + ")";
    JsonObject query = new JsonObject();
    query.add("select", strings("id"));
    query.add(
        "where",
        where(
            condition("entity_table", "=", "civicrm_contribution"),
            condition("entity_id", "=", contributionId),
            condition("subject", "=", subject)));
    query.addProperty("limit", 1);
    if (!api.call("Note", "get", query).isEmpty()) {
      return;
    }
    JsonObject values = new JsonObject();
    values.addProperty("entity_table", "civicrm_contribution");
    values.addProperty("entity_id", contributionId);
    values.addProperty("subject", subject);
    values.addProperty(
        "note",
        "Stripe reports a dispute (chargeback) on this payment. The payment broker changed"
            + " nothing else; follow the dispute in the Stripe Dashboard and record its outcome"
            + " here.");
    JsonObject params = new JsonObject();
    params.add("values", values);
    api.call("Note", "create", params);
  }

  /** The contribution id the reference names, or 0 when it names none. */
  static long contributionId(String reference) {
    if (reference == null || !POSITIVE_INTEGER.matcher(reference).matches()) {
      return 0;
    }
    long id = Long.parseLong(reference);
    return id <= MAX_ID ? id : 0;
  }

  /**
   * The base URL with a trailing slash, or null when it is not https (plain http only to a loopback
   * address, for development: the API key must not cross a network in clear), has no host, or has a
   * query or fragment.
   */
  static URI baseUrl(URI url) {
    if (url == null
        || url.getHost() == null
        || url.getRawQuery() != null
        || url.getRawFragment() != null
        || url.getRawUserInfo() != null) {
      return null;
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(scheme.equals("http") && isLoopback(url.getHost()))) {
      return null;
    }
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (!path.endsWith("/")) {
      path = path + "/";
    }
    return URI.create(scheme + "://" + url.getRawAuthority() + path);
  }

  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!literal.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
      // A name other than localhost: never resolved here.
      return false;
    }
    try {
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** A CiviCRM money value (number or string) in minor units, or null when it is neither. */
  private static Long minorUnits(JsonElement v, int digits) {
    if (v == null || !v.isJsonPrimitive()) {
      return null;
    }
    try {
      return new BigDecimal(v.getAsString())
          .movePointRight(digits)
          .setScale(0, RoundingMode.HALF_UP)
          .longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  private static String text(JsonObject o, String name) {
    JsonElement v = o.get(name);
    return v != null && v.isJsonPrimitive() ? v.getAsString() : null;
  }

  private static JsonArray strings(String... values) {
    JsonArray a = new JsonArray();
    for (String v : values) {
      a.add(v);
    }
    return a;
  }

  private static JsonArray where(JsonArray... conditions) {
    JsonArray a = new JsonArray();
    for (JsonArray c : conditions) {
      a.add(c);
    }
    return a;
  }

  private static JsonArray condition(String field, String operator, Object value) {
    JsonArray c = new JsonArray();
    c.add(field);
    c.add(operator);
    if (value instanceof Number n) {
      c.add(n);
    } else if (value instanceof Boolean b) {
      c.add(b);
    } else {
      c.add(String.valueOf(value));
    }
    return c;
  }
}
