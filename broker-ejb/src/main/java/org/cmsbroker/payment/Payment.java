package org.cmsbroker.payment;

import static org.cmsbroker.persistence.DataClass.AtRest.ENCRYPTED;
import static org.cmsbroker.persistence.DataClass.Level.CONFIDENTIAL;
import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.cmsbroker.persistence.DataClass;

/**
 * A payment at rest (table {@code payment}). The donor's email address is AES-256-GCM ciphertext
 * ({@link PaymentService#DONOR_EMAIL_FIELD}), and so is the embedded Checkout Session's client
 * secret ({@link PaymentService#CLIENT_SECRET_FIELD}). Mutable JPA state; the rest of the broker
 * sees {@link PaymentView}.
 */
@Entity
@Table(name = "payment")
public class Payment {
  @DataClass(RESTRICTED)
  @Id
  @Column(length = 40)
  private String id;

  @DataClass(RESTRICTED)
  @Column(name = "client_id", nullable = false, length = 128)
  private String clientId;

  /** The CMS's own id of the payment (a contribution id, say). */
  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 100)
  private String reference;

  @DataClass(RESTRICTED)
  @Column(nullable = false)
  private long amount;

  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 3)
  private String currency;

  /** The CMS's text shown on Stripe Checkout; card-number-like text is refused. */
  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 200)
  private String description;

  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
  @Column(name = "donor_email_ciphertext", length = 1024)
  private String donorEmailCiphertext;

  @DataClass(RESTRICTED)
  @Column(name = "return_url", nullable = false, length = 2000)
  private String returnUrl;

  @DataClass(RESTRICTED)
  @Column(name = "cancel_url", length = 2000)
  private String cancelUrl;

  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 16)
  private String mode;

  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 24)
  private String status;

  @DataClass(RESTRICTED)
  @Column(name = "amount_refunded", nullable = false)
  private long amountRefunded;

  @DataClass(RESTRICTED)
  @Column(nullable = false)
  private boolean disputed;

  @DataClass(RESTRICTED)
  @Column(name = "last_event_at")
  private OffsetDateTime lastEventAt;

  /** The last sequence number given to a callback of this payment (0: none yet). */
  @DataClass(RESTRICTED)
  @Column(name = "callback_sequence", nullable = false)
  private long callbackSequence;

  @DataClass(RESTRICTED)
  @Column(name = "stripe_checkout_session_id", length = 255)
  private String stripeCheckoutSessionId;

  @DataClass(RESTRICTED)
  @Column(name = "stripe_payment_intent_id", length = 255)
  private String stripePaymentIntentId;

  /** Stripe's hosted page for this payment, handed to the CMS; it carries no card data. */
  @DataClass(RESTRICTED)
  @Column(name = "checkout_url", length = 2048)
  private String checkoutUrl;

  @DataClass(RESTRICTED)
  @Column(name = "expires_at")
  private OffsetDateTime expiresAt;

  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
  @Column(name = "checkout_client_secret_ciphertext", length = 1024)
  private String checkoutClientSecretCiphertext;

  @DataClass(RESTRICTED)
  @Column(name = "idempotency_key", nullable = false, length = 255)
  private String idempotencyKey;

  /** A fingerprint of a request of Restricted fields, compared on retries. */
  @DataClass(RESTRICTED)
  @Column(name = "request_sha256", nullable = false, length = 64)
  private String requestSha256;

  @DataClass(RESTRICTED)
  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @DataClass(RESTRICTED)
  @Column(name = "updated_at", nullable = false)
  private OffsetDateTime updatedAt;

  protected Payment() {}

  Payment(
      String id,
      String clientId,
      NewPayment payment,
      String donorEmailCiphertext,
      String idempotencyKey,
      String requestSha256,
      OffsetDateTime now) {
    this.id = id;
    this.clientId = clientId;
    this.reference = payment.reference();
    this.amount = payment.amount();
    this.currency = payment.currency();
    this.description = payment.description();
    this.donorEmailCiphertext = donorEmailCiphertext;
    this.returnUrl = payment.returnUrl().toString();
    this.cancelUrl = payment.cancelUrl() == null ? null : payment.cancelUrl().toString();
    this.mode = payment.mode().code();
    this.status = PaymentStatus.PENDING.code();
    this.amountRefunded = 0;
    this.disputed = false;
    this.idempotencyKey = idempotencyKey;
    this.requestSha256 = requestSha256;
    this.createdAt = now;
    this.updatedAt = now;
  }

  void attachCheckoutSession(
      String sessionId,
      String url,
      String clientSecretCiphertext,
      OffsetDateTime expiresAt,
      OffsetDateTime now) {
    this.stripeCheckoutSessionId = sessionId;
    this.checkoutUrl = url;
    this.checkoutClientSecretCiphertext = clientSecretCiphertext;
    this.expiresAt = expiresAt;
    this.updatedAt = now;
  }

  /** Records the PaymentIntent Stripe named for this payment, the first time it is named. */
  void attachPaymentIntent(String paymentIntentId) {
    if (stripePaymentIntentId == null && paymentIntentId != null) {
      stripePaymentIntentId = paymentIntentId;
    }
  }

  /** Stores the state a Stripe event led to. */
  /**
   * The next sequence number of this payment's callbacks (1 for the first). Only for a payment
   * locked ({@code PESSIMISTIC_WRITE}) in the caller's transaction: the row lock serialises two
   * transactions queueing callbacks for one payment, so their numbers differ and the one that
   * commits later has the larger.
   */
  long nextCallbackSequence() {
    return ++callbackSequence;
  }

  void applyState(PaymentState state, OffsetDateTime now) {
    this.status = state.status().code();
    this.amountRefunded = state.amountRefunded();
    this.disputed = state.disputed();
    this.lastEventAt =
        state.lastEventAt() == null ? null : state.lastEventAt().atOffset(ZoneOffset.UTC);
    this.updatedAt = now;
  }

  OffsetDateTime lastEventAt() {
    return lastEventAt;
  }

  String id() {
    return id;
  }

  String clientId() {
    return clientId;
  }

  String reference() {
    return reference;
  }

  long amount() {
    return amount;
  }

  String currency() {
    return currency;
  }

  String description() {
    return description;
  }

  String donorEmailCiphertext() {
    return donorEmailCiphertext;
  }

  String returnUrl() {
    return returnUrl;
  }

  String cancelUrl() {
    return cancelUrl;
  }

  String mode() {
    return mode;
  }

  String status() {
    return status;
  }

  long amountRefunded() {
    return amountRefunded;
  }

  boolean disputed() {
    return disputed;
  }

  String stripeCheckoutSessionId() {
    return stripeCheckoutSessionId;
  }

  String stripePaymentIntentId() {
    return stripePaymentIntentId;
  }

  /** What the state machine knows about this payment. */
  PaymentState state() {
    return new PaymentState(
        PaymentService.status(status),
        amount,
        amountRefunded,
        disputed,
        lastEventAt == null ? null : lastEventAt.toInstant());
  }

  String checkoutUrl() {
    return checkoutUrl;
  }

  OffsetDateTime expiresAt() {
    return expiresAt;
  }

  String checkoutClientSecretCiphertext() {
    return checkoutClientSecretCiphertext;
  }

  String requestSha256() {
    return requestSha256;
  }

  OffsetDateTime createdAt() {
    return createdAt;
  }

  OffsetDateTime updatedAt() {
    return updatedAt;
  }
}
