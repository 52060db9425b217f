package org.cmsbroker.payment;

import jakarta.ejb.EJBException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.crypto.SecretTokens;
import org.cmsbroker.payment.PaymentRejectedException.Reason;

/**
 * Refunds for clients. {@link #create} checks the request, honours the client's {@code
 * Idempotency-Key} as payment creation does, stores the refund (checked against the payment under a
 * lock) and has Stripe create it. The payment's {@code amount_refunded} and status change only when
 * Stripe's events say so: Stripe is the source of truth.
 *
 * <p>No database transaction is held while Stripe is called. A refund Stripe did not answer stays
 * pending and is sent again when the client repeats the request with the same key (Stripe's
 * idempotency key, derived from the broker's refund id, makes that safe); a refund Stripe refused
 * is removed, so it holds no amount.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RefundService {
  private static final Logger LOG = Logger.getLogger(RefundService.class.getName());

  /** Stripe's refund reasons. */
  static final Set<String> REASONS = Set.of("duplicate", "fraudulent", "requested_by_customer");

  private static final int ID_BYTES = 18;

  @Inject PaymentBeans beans;
  @Inject JpaPaymentStore payments;
  @Inject JpaRefundStore store;
  @Inject StripeRefunds stripe;
  @Inject StripeCheckout checkout;
  @Inject StripeWebhookService updates;
  @Inject SecureRandom random;

  /** The broker's clock ({@link org.cmsbroker.time.Clocks}); tests set their own. */
  @Inject Clock clock;

  /**
   * Refunds the client's payment {@code paymentId}, or returns the refund made earlier with the
   * same key and the same request.
   *
   * @param remoteIp the address the request came from (null: unknown), which the security event
   *     {@value JpaRefundStore#REQUESTED_EVENT} records
   * @throws PaymentRejectedException if the key or the request breaks a rule; nothing is stored
   * @throws IdempotencyConflictException if the key was used with another request
   * @throws UnknownPaymentException if the payment is not the client's
   * @throws PaymentConflictException if the payment cannot be refunded now, or Stripe refused
   * @throws PaymentGatewayException if Stripe did not answer; repeat with the same key
   * @throws PaymentsNotConfiguredException if no Stripe secret key is configured
   */
  public RefundView create(
      String clientId,
      String paymentId,
      RefundRequest request,
      String idempotencyKey,
      String remoteIp)
      throws PaymentRejectedException,
          IdempotencyConflictException,
          UnknownPaymentException,
          PaymentConflictException,
          PaymentGatewayException {
    if (!beans.configured()) {
      throw new PaymentsNotConfiguredException();
    }
    PaymentService.checkIdempotencyKey(idempotencyKey);
    check(request);
    if (clientId == null || paymentId == null || payments.find(clientId, paymentId).isEmpty()) {
      throw new UnknownPaymentException();
    }
    String hash = requestHash(paymentId, request);
    PaymentRefund refund = existing(clientId, idempotencyKey, hash);
    if (refund == null) {
      try {
        refund =
            store.reserve(
                newId(), clientId, paymentId, request, idempotencyKey, hash, now(), remoteIp);
      } catch (EJBException e) {
        // A concurrent request with the same key stored its refund first.
        refund = existing(clientId, idempotencyKey, hash);
        if (refund == null) {
          throw e;
        }
      }
    }
    if (refund.stripeRefundId() == null) {
      refund = send(refund);
    }
    return refund.view();
  }

  private PaymentRefund send(PaymentRefund refund)
      throws PaymentGatewayException, PaymentConflictException {
    Payment payment = payments.find(refund.clientId(), refund.paymentId()).orElseThrow();
    String paymentIntent = payment.stripePaymentIntentId();
    if (paymentIntent == null) {
      // Its events have not named the PaymentIntent yet: Stripe's session does.
      StripeSnapshot snapshot =
          checkout.fetch(payment.id(), payment.stripeCheckoutSessionId(), null);
      updates.applyFetched(payment.id(), snapshot, clock.instant());
      paymentIntent = snapshot.paymentIntentId();
      if (paymentIntent == null) {
        LOG.log(Level.WARNING, "Payment {0} has no PaymentIntent at Stripe", payment.id());
        throw new PaymentGatewayException(PaymentGatewayException.UNAVAILABLE);
      }
    }
    try {
      StripeRefunds.CreatedRefund created =
          stripe.create(payment.id(), refund.id(), paymentIntent, refund.amount(), refund.reason());
      LOG.log(
          Level.INFO,
          "Refund {0} of payment {1} for client {2}: Stripe says {3}",
          new Object[] {refund.id(), payment.id(), refund.clientId(), created.status()});
      return store.stripeSays(refund.id(), created.id(), created.status(), now());
    } catch (StripeRefunds.RefundRefusedException e) {
      store.remove(refund.id());
      throw new PaymentConflictException(
          PaymentConflictException.Reason.REFUND_REFUSED,
          PaymentService.status(payment.status()),
          e.stripeCode());
    }
  }

  private PaymentRefund existing(String clientId, String idempotencyKey, String hash)
      throws IdempotencyConflictException {
    PaymentRefund found = store.findByIdempotencyKey(clientId, idempotencyKey).orElse(null);
    if (found != null && !found.requestSha256().equals(hash)) {
      throw new IdempotencyConflictException();
    }
    return found;
  }

  /**
   * The client's refunds of payment {@code paymentId}, oldest first.
   *
   * @throws UnknownPaymentException if the payment is not the client's
   */
  public List<RefundView> list(String clientId, String paymentId) throws UnknownPaymentException {
    if (clientId == null || paymentId == null || payments.find(clientId, paymentId).isEmpty()) {
      throw new UnknownPaymentException();
    }
    return store.list(paymentId).stream().map(PaymentRefund::view).toList();
  }

  /**
   * Checks a refund request in order: no card-number-looking text, the amount (when given) 1 to
   * Stripe's largest amount, the reason (when given) one of Stripe's.
   */
  static void check(RefundRequest request) throws PaymentRejectedException {
    if (CardNumberDetector.containsCardNumber(request.reason())) {
      throw new PaymentRejectedException(Reason.CARD_NUMBER_IN_REQUEST);
    }
    Long amount = request.amount();
    if (amount != null && (amount < 1 || amount > AmountBounds.STRIPE_MAX)) {
      throw new PaymentRejectedException(Reason.INVALID_REFUND_AMOUNT);
    }
    if (request.reason() != null && !REASONS.contains(request.reason())) {
      throw new PaymentRejectedException(Reason.INVALID_REFUND_REASON);
    }
  }

  /** SHA-256 (hex) over the payment id, the amount (absent distinct from any number) and reason. */
  static String requestHash(String paymentId, RefundRequest request) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String field : new String[] {paymentId, request.reason()}) {
        if (field == null) {
          digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(-1).array());
        } else {
          byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
          digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
          digest.update(bytes);
        }
      }
      digest.update((byte) (request.amount() == null ? 0 : 1));
      digest.update(
          ByteBuffer.allocate(Long.BYTES)
              .putLong(request.amount() == null ? 0 : request.amount())
              .array());
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private String newId() {
    return SecretTokens.randomId("rfd_", ID_BYTES, random);
  }

  private OffsetDateTime now() {
    // Microseconds: what both databases keep, so a re-read refund equals the one just made, and
    // refunds of the same second still list in the order they were made.
    return OffsetDateTime.now(clock)
        .withOffsetSameInstant(ZoneOffset.UTC)
        .truncatedTo(ChronoUnit.MICROS);
  }
}
