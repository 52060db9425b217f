package org.cmsbroker.payment;

import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.crypto.FieldCipher;
import org.cmsbroker.crypto.SecretTokens;
import org.cmsbroker.payment.PaymentRejectedException.Reason;

/**
 * Creates and finds payments for clients. {@link #create} validates the request ({@link
 * PaymentRules}), honours the client's {@code Idempotency-Key}, stores the payment as pending and
 * has Stripe create its Checkout Session. A client only ever sees its own payments.
 *
 * <p>No database transaction is held while Stripe is called: the payment is stored first (its own
 * transaction), then the session is created, then recorded (another transaction). A payment left
 * without a session (Stripe failed) gets one when the client repeats the request with the same key;
 * Stripe's own idempotency makes that repeat safe too.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PaymentService {
  private static final Logger LOG = Logger.getLogger(PaymentService.class.getName());

  /** The associated data of the donor email ciphertext. */
  public static final String DONOR_EMAIL_FIELD = "payment.donor_email";

  /** The associated data of the embedded Checkout Session's client secret ciphertext. */
  public static final String CLIENT_SECRET_FIELD = "payment.checkout_client_secret";

  static final int MAX_IDEMPOTENCY_KEY = 255;
  private static final int ID_BYTES = 18;

  @Inject PaymentBeans beans;
  @Inject PaymentRules rules;
  @Inject JpaPaymentStore store;
  @Inject StripeCheckout checkout;
  @Inject StripeWebhookService updates;
  @Inject FieldCipher cipher;
  @Inject SecureRandom random;

  /** The broker's clock ({@link org.cmsbroker.time.Clocks}); tests set their own. */
  @Inject Clock clock;

  /** Whether payments can be made (a Stripe secret key is configured). */
  public boolean configured() {
    return beans.configured();
  }

  /**
   * Creates a payment for {@code clientId}, or returns the one made earlier with the same key and
   * the same request.
   *
   * @param webOrigins the client's registered web origins (return and cancel URLs must be on one)
   * @param remoteIp the address the request came from (null: unknown), which the security event
   *     {@value JpaPaymentStore#CREATED_EVENT} records
   * @throws PaymentRejectedException if the key or the request breaks a rule; nothing is stored
   * @throws IdempotencyConflictException if the key was used with another request
   * @throws PaymentGatewayException if Stripe did not create the session
   * @throws PaymentsNotConfiguredException if no Stripe secret key is configured, or (an {@link
   *     EmbeddedPaymentsNotConfiguredException}) the request is for an embedded payment and no
   *     publishable key is configured; nothing is stored
   */
  public PaymentView create(
      String clientId,
      PaymentRequest request,
      String idempotencyKey,
      Set<String> webOrigins,
      String remoteIp)
      throws PaymentRejectedException, IdempotencyConflictException, PaymentGatewayException {
    if (!configured()) {
      throw new PaymentsNotConfiguredException();
    }
    checkIdempotencyKey(idempotencyKey);
    NewPayment valid = rules.validate(request, webOrigins);
    if (valid.mode() == PaymentMode.EMBEDDED && !beans.embeddedConfigured()) {
      throw new EmbeddedPaymentsNotConfiguredException();
    }
    String hash = requestHash(request);
    Payment payment = existing(clientId, idempotencyKey, hash).orElse(null);
    if (payment == null) {
      OffsetDateTime now = now();
      String id = newId();
      Payment fresh =
          new Payment(
              id,
              clientId,
              valid,
              cipher.encrypt(DONOR_EMAIL_FIELD, id, valid.donorEmail()),
              idempotencyKey,
              hash,
              now);
      try {
        store.insert(fresh, remoteIp);
        payment = fresh;
      } catch (EJBException e) {
        // A concurrent request with the same key stored its payment first.
        payment = existing(clientId, idempotencyKey, hash).orElseThrow(() -> e);
      }
    }
    if (payment.stripeCheckoutSessionId() == null) {
      PaymentView view = view(payment);
      // The payment id is one-to-one with (client, key) and cannot collide across clients.
      StripeCheckout.CheckoutSession session = checkout.create(view, "broker-" + view.id());
      payment =
          store.attachCheckoutSession(
              view.id(),
              session.id(),
              session.url(),
              cipher.encrypt(CLIENT_SECRET_FIELD, view.id(), session.clientSecret()),
              session.expiresAt() == null ? null : session.expiresAt().atOffset(ZoneOffset.UTC),
              now());
      LOG.log(
          Level.INFO,
          "Payment {0} for client {1}: Checkout Session created",
          new Object[] {view.id(), clientId});
    }
    return view(payment);
  }

  private Optional<Payment> existing(String clientId, String idempotencyKey, String hash)
      throws IdempotencyConflictException {
    Optional<Payment> found = store.findByIdempotencyKey(clientId, idempotencyKey);
    if (found.isPresent() && !found.get().requestSha256().equals(hash)) {
      throw new IdempotencyConflictException();
    }
    return found;
  }

  /** The client's payment {@code id}; empty if there is none or it belongs to another client. */
  public Optional<PaymentView> find(String clientId, String id) {
    if (clientId == null || id == null) {
      return Optional.empty();
    }
    return store.find(clientId, id).map(this::view);
  }

  /**
   * Cancels the client's pending payment {@code id}: Stripe expires its Checkout Session, and the
   * payment becomes {@code expired} with one outbox message. An already expired payment is answered
   * as it is. When Stripe says the session is no longer open (the donor just paid), Stripe's
   * current state is applied and the cancel refused.
   *
   * @throws UnknownPaymentException if the payment is not the client's
   * @throws PaymentConflictException if the payment is (or turns out to be) no longer pending
   * @throws PaymentGatewayException if Stripe did not answer; nothing changed
   * @throws PaymentsNotConfiguredException if no Stripe secret key is configured
   */
  public PaymentView cancel(String clientId, String id)
      throws UnknownPaymentException, PaymentConflictException, PaymentGatewayException {
    if (!configured()) {
      throw new PaymentsNotConfiguredException();
    }
    if (clientId == null || id == null) {
      throw new UnknownPaymentException();
    }
    Payment payment = store.find(clientId, id).orElseThrow(UnknownPaymentException::new);
    PaymentStatus status = status(payment.status());
    if (status == PaymentStatus.EXPIRED) {
      return view(payment);
    }
    if (status != PaymentStatus.PENDING) {
      throw new PaymentConflictException(
          PaymentConflictException.Reason.NOT_CANCELLABLE, status, null);
    }
    StripeSnapshot snapshot;
    if (payment.stripeCheckoutSessionId() == null) {
      // Stripe never made a session for it: nothing to expire there.
      snapshot = new StripeSnapshot("expired", null, null, null, false, false, null, null, null);
    } else {
      try {
        snapshot = checkout.expire(id, payment.stripeCheckoutSessionId(), "broker-cancel-" + id);
      } catch (StripeCheckout.SessionNotOpenException e) {
        snapshot =
            checkout.fetch(id, payment.stripeCheckoutSessionId(), payment.stripePaymentIntentId());
      }
    }
    updates.applyFetched(id, snapshot, clock.instant());
    Payment after = store.find(clientId, id).orElseThrow(UnknownPaymentException::new);
    PaymentStatus now = status(after.status());
    if (now != PaymentStatus.EXPIRED) {
      throw new PaymentConflictException(
          PaymentConflictException.Reason.NOT_CANCELLABLE, now, null);
    }
    LOG.log(Level.INFO, "Payment {0} for client {1}: cancelled", new Object[] {id, clientId});
    return view(after);
  }

  /**
   * What the embedded payment page {@code /pay/{id}} needs about payment {@code id}, whichever
   * client it belongs to (the id itself is the unguessable capability); empty if there is none.
   */
  public Optional<PaymentPage> paymentPage(String id) {
    if (id == null || id.isEmpty() || id.length() > 40) {
      return Optional.empty();
    }
    return store
        .findForPaymentPage(id)
        .map(
            p ->
                new PaymentPage(
                    p.id(),
                    p.clientId(),
                    mode(p.mode()),
                    status(p.status()),
                    instant(p.expiresAt()),
                    cipher.decrypt(
                        CLIENT_SECRET_FIELD, p.id(), p.checkoutClientSecretCiphertext())));
  }

  /** The client's payments with {@code reference}, newest first, at most 100. */
  public List<PaymentView> findByReference(String clientId, String reference) {
    if (clientId == null || reference == null) {
      return List.of();
    }
    return store.findByReference(clientId, reference).stream().map(this::view).toList();
  }

  /**
   * @throws PaymentRejectedException unless the key is 1 to {@value #MAX_IDEMPOTENCY_KEY} printable
   *     ASCII characters
   */
  public static void checkIdempotencyKey(String key) throws PaymentRejectedException {
    if (key == null || key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY) {
      throw new PaymentRejectedException(Reason.INVALID_IDEMPOTENCY_KEY);
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new PaymentRejectedException(Reason.INVALID_IDEMPOTENCY_KEY);
      }
    }
  }

  /**
   * The SHA-256 (hex) of the request's canonical form: every field in declaration order, each
   * length-prefixed UTF-8 (null distinct from empty), so that two requests hash alike exactly when
   * all their fields are equal, however the JSON was written.
   */
  static String requestHash(PaymentRequest request) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(ByteBuffer.allocate(Long.BYTES).putLong(request.amount()).array());
      for (String field :
          new String[] {
            request.currency(),
            request.description(),
            request.reference(),
            request.donorEmail(),
            request.returnUrl(),
            request.cancelUrl(),
            request.mode()
          }) {
        if (field == null) {
          digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(-1).array());
        } else {
          byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
          digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
          digest.update(bytes);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private String newId() {
    return SecretTokens.randomId("pay_", ID_BYTES, random);
  }

  private OffsetDateTime now() {
    // Microseconds: what both databases keep, so a re-read payment equals the one just made, and
    // payments of the same second still list in the order they were made.
    return OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
  }

  private PaymentView view(Payment p) {
    return new PaymentView(
        p.id(),
        p.clientId(),
        p.reference(),
        p.amount(),
        p.currency(),
        p.description(),
        cipher.decrypt(DONOR_EMAIL_FIELD, p.id(), p.donorEmailCiphertext()),
        URI.create(p.returnUrl()),
        p.cancelUrl() == null ? null : URI.create(p.cancelUrl()),
        mode(p.mode()),
        status(p.status()),
        p.amountRefunded(),
        p.disputed(),
        p.stripeCheckoutSessionId(),
        p.stripePaymentIntentId(),
        p.checkoutUrl() == null ? null : URI.create(p.checkoutUrl()),
        instant(p.expiresAt()),
        instant(p.createdAt()),
        instant(p.updatedAt()));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  static PaymentMode mode(String code) {
    for (PaymentMode mode : PaymentMode.values()) {
      if (mode.code().equals(code)) {
        return mode;
      }
    }
    throw new IllegalStateException("unknown stored payment mode " + code);
  }

  static PaymentStatus status(String code) {
    for (PaymentStatus status : PaymentStatus.values()) {
      if (status.code().equals(code)) {
        return status;
      }
    }
    throw new IllegalStateException("unknown stored payment status " + code);
  }
}
