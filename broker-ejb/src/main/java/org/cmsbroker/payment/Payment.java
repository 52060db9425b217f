package org.cmsbroker.payment;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A payment at rest (table {@code payment}). The donor's email address is AES-256-GCM ciphertext
 * ({@link PaymentService#DONOR_EMAIL_FIELD}), and so is the embedded Checkout Session's client
 * secret ({@link PaymentService#CLIENT_SECRET_FIELD}). Mutable JPA state; the rest of the broker
 * sees {@link PaymentView}.
 */
@Entity
@Table(name = "payment")
public class Payment {
  @Id
  @Column(length = 40)
  private String id;

  @Column(name = "client_id", nullable = false, length = 128)
  private String clientId;

  @Column(nullable = false, length = 100)
  private String reference;

  @Column(nullable = false)
  private long amount;

  @Column(nullable = false, length = 3)
  private String currency;

  @Column(nullable = false, length = 200)
  private String description;

  @Column(name = "donor_email_ciphertext", length = 1024)
  private String donorEmailCiphertext;

  @Column(name = "return_url", nullable = false, length = 2000)
  private String returnUrl;

  @Column(name = "cancel_url", length = 2000)
  private String cancelUrl;

  @Column(nullable = false, length = 16)
  private String mode;

  @Column(nullable = false, length = 24)
  private String status;

  @Column(name = "amount_refunded", nullable = false)
  private long amountRefunded;

  @Column(nullable = false)
  private boolean disputed;

  @Column(name = "last_event_at")
  private OffsetDateTime lastEventAt;

  @Column(name = "stripe_checkout_session_id", length = 255)
  private String stripeCheckoutSessionId;

  @Column(name = "stripe_payment_intent_id", length = 255)
  private String stripePaymentIntentId;

  @Column(name = "checkout_url", length = 2048)
  private String checkoutUrl;

  @Column(name = "expires_at")
  private OffsetDateTime expiresAt;

  @Column(name = "checkout_client_secret_ciphertext", length = 1024)
  private String checkoutClientSecretCiphertext;

  @Column(name = "idempotency_key", nullable = false, length = 255)
  private String idempotencyKey;

  @Column(name = "request_sha256", nullable = false, length = 64)
  private String requestSha256;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

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
