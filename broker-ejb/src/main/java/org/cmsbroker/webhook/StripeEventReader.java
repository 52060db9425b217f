package org.cmsbroker.webhook;

import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.EventDataObjectDeserializer;
import com.stripe.model.HasId;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.StripeObject;
import com.stripe.model.checkout.Session;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.payment.StripeWebhookEvent;

/**
 * Reads the broker's view of a verified Stripe event ({@link StripeWebhookEvent}) from Stripe's own
 * typed objects ({@link Session}, {@link PaymentIntent}, {@link Charge}, {@link Refund}, {@link
 * Dispute}). An event whose {@code data.object} the library cannot read (its API version differs
 * from the library's and the object does not fit the library's classes) is {@link
 * StripeWebhookEvent#unparseable()}: only its id, type and created time are known. See {@code
 * package-info}.
 */
public final class StripeEventReader {
  private static final Logger LOG = Logger.getLogger(StripeEventReader.class.getName());

  private static final String PAYMENT_ID_METADATA = StripeWebhookEvent.PAYMENT_ID_METADATA;
  private static final String REFUND_ID_METADATA = StripeWebhookEvent.REFUND_ID_METADATA;

  private StripeEventReader() {}

  /** The signed event is not a Stripe event the broker can read at all (answered 400). */
  public static final class MalformedEventException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedEventException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The broker's view of {@code event}, verified and parsed by {@link StripeSignatureVerifier}.
   *
   * <p>The data object is read with {@link EventDataObjectDeserializer#getObject()} when the
   * event's API version is the library's, else with {@link
   * EventDataObjectDeserializer#deserializeUnsafe()}: the broker reads only fields that have kept
   * their name and meaning across API versions (ids, amounts, currency, status, metadata), and the
   * typed classes refuse a field whose JSON type changed. When even that fails, the event is {@link
   * #unparseable()}.
   *
   * @throws MalformedEventException if the created time is out of range or an amount is negative
   */
  public static StripeWebhookEvent read(Event event) throws MalformedEventException {
    Instant created;
    try {
      created = Instant.ofEpochSecond(event.getCreated());
    } catch (DateTimeException e) {
      throw new MalformedEventException("The event has no usable created time.");
    }
    StripeObject object;
    EventDataObjectDeserializer data = event.getDataObjectDeserializer();
    try {
      object = data.getObject().orElse(null);
      if (object == null) {
        object = data.deserializeUnsafe();
      }
    } catch (EventDataObjectDeserializationException | RuntimeException e) {
      // The exception carries the raw JSON: never logged.
      LOG.log(
          Level.WARNING,
          "Stripe event {0} ({1}), API version {2}: its data object does not fit the Stripe"
              + " library''s classes; recorded as unparseable",
          new Object[] {event.getId(), event.getType(), printable(event.getApiVersion())});
      return new StripeWebhookEvent(
          event.getId(),
          event.getType(),
          created,
          null,
          null,
          null,
          null,
          null,
          0,
          0,
          null,
          null,
          null,
          null,
          null,
          true);
    }
    return of(event.getId(), event.getType(), created, object);
  }

  private static StripeWebhookEvent of(String id, String type, Instant created, StripeObject o)
      throws MalformedEventException {
    if (o instanceof Session s) {
      return new StripeWebhookEvent(
          id,
          type,
          created,
          s.getId(),
          "checkout.session",
          meta(s.getMetadata(), PAYMENT_ID_METADATA),
          s.getClientReferenceId(),
          s.getPaymentStatus(),
          0,
          0,
          nonNegative(s.getAmountTotal()),
          s.getCurrency(),
          s.getPaymentIntent(),
          s.getStatus(),
          null,
          false);
    }
    if (o instanceof PaymentIntent p) {
      return new StripeWebhookEvent(
          id,
          type,
          created,
          p.getId(),
          "payment_intent",
          meta(p.getMetadata(), PAYMENT_ID_METADATA),
          null,
          null,
          amount(p.getAmount()),
          0,
          null,
          p.getCurrency(),
          p.getId(),
          p.getStatus(),
          null,
          false);
    }
    if (o instanceof Charge c) {
      return new StripeWebhookEvent(
          id,
          type,
          created,
          c.getId(),
          "charge",
          meta(c.getMetadata(), PAYMENT_ID_METADATA),
          null,
          null,
          amount(c.getAmount()),
          amount(c.getAmountRefunded()),
          null,
          c.getCurrency(),
          c.getPaymentIntent(),
          c.getStatus(),
          null,
          false);
    }
    if (o instanceof Refund r) {
      return new StripeWebhookEvent(
          id,
          type,
          created,
          r.getId(),
          "refund",
          meta(r.getMetadata(), PAYMENT_ID_METADATA),
          null,
          null,
          amount(r.getAmount()),
          0,
          null,
          r.getCurrency(),
          r.getPaymentIntent(),
          r.getStatus(),
          meta(r.getMetadata(), REFUND_ID_METADATA),
          false);
    }
    if (o instanceof Dispute d) {
      return new StripeWebhookEvent(
          id,
          type,
          created,
          d.getId(),
          "dispute",
          meta(d.getMetadata(), PAYMENT_ID_METADATA),
          null,
          null,
          amount(d.getAmount()),
          0,
          null,
          d.getCurrency(),
          d.getPaymentIntent(),
          d.getStatus(),
          null,
          false);
    }
    // Another kind of object (a customer, an invoice, ...): nothing the broker acts on.
    String objectId = o instanceof HasId h ? h.getId() : null;
    return new StripeWebhookEvent(
        id, type, created, objectId, null, null, null, null, 0, 0, null, null, null, null, null,
        false);
  }

  private static String meta(Map<String, String> metadata, String key) {
    return metadata == null ? null : metadata.get(key);
  }

  private static long amount(Long value) throws MalformedEventException {
    Long checked = nonNegative(value);
    return checked == null ? 0 : checked;
  }

  private static Long nonNegative(Long value) throws MalformedEventException {
    if (value != null && value < 0) {
      throw new MalformedEventException("The event carries a negative amount.");
    }
    return value;
  }

  private static String printable(String s) {
    if (s == null) {
      return "(none)";
    }
    String cut = s.length() > 40 ? s.substring(0, 40) : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
