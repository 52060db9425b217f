package org.cmsbroker.callback;

import static org.cmsbroker.persistence.DataClass.AtRest.ENCRYPTED;
import static org.cmsbroker.persistence.DataClass.Level.CONFIDENTIAL;
import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.cmsbroker.persistence.DataClass;

/**
 * A callback at rest (table {@code callback_message}). The payload is stored only as AES-256-GCM
 * ciphertext; state changes go through {@link CallbackOutbox}'s conditional updates.
 */
@Entity
@Table(name = "callback_message")
public class CallbackMessage {
  @DataClass(RESTRICTED)
  @Id
  @Column(length = 40)
  private String id;

  @DataClass(RESTRICTED)
  @Column(name = "client_id", nullable = false, length = 128)
  private String clientId;

  @DataClass(RESTRICTED)
  @Column(name = "event_type", nullable = false, length = 100)
  private String eventType;

  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
  @Column(name = "payload_ciphertext", nullable = false, length = 131072)
  private String payloadCiphertext;

  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 16)
  private String status;

  @DataClass(RESTRICTED)
  @Column(nullable = false)
  private int attempts;

  @DataClass(RESTRICTED)
  @Column(name = "next_attempt_at", nullable = false)
  private OffsetDateTime nextAttemptAt;

  /** The name of the broker instance delivering it. */
  @DataClass(RESTRICTED)
  @Column(name = "lease_owner", length = 64)
  private String leaseOwner;

  @DataClass(RESTRICTED)
  @Column(name = "lease_until")
  private OffsetDateTime leaseUntil;

  @DataClass(RESTRICTED)
  @Column(name = "last_status_code")
  private Integer lastStatusCode;

  /** The broker's own short description of the failure, never the target's body. */
  @DataClass(RESTRICTED)
  @Column(name = "last_error", length = 200)
  private String lastError;

  @DataClass(RESTRICTED)
  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @DataClass(RESTRICTED)
  @Column(name = "replayed_at")
  private OffsetDateTime replayedAt;

  @DataClass(RESTRICTED)
  @Column(name = "delivered_at")
  private OffsetDateTime deliveredAt;

  @DataClass(RESTRICTED)
  @Column(name = "occurred_at")
  private OffsetDateTime occurredAt;

  @DataClass(RESTRICTED)
  @Column(name = "sequence_number")
  private Long sequenceNumber;

  /** The payment the message is about: its messages are delivered in order. */
  @DataClass(RESTRICTED)
  @Column(length = 40)
  private String subject;

  protected CallbackMessage() {}

  CallbackMessage(
      String id,
      String clientId,
      String subject,
      String eventType,
      String payloadCiphertext,
      OffsetDateTime createdAt,
      OffsetDateTime occurredAt,
      long sequenceNumber) {
    this.id = id;
    this.subject = subject;
    this.occurredAt = occurredAt;
    this.sequenceNumber = sequenceNumber;
    this.clientId = clientId;
    this.eventType = eventType;
    this.payloadCiphertext = payloadCiphertext;
    this.status = CallbackStatus.PENDING.column();
    this.attempts = 0;
    this.nextAttemptAt = createdAt;
    this.createdAt = createdAt;
  }

  String id() {
    return id;
  }

  String clientId() {
    return clientId;
  }

  String eventType() {
    return eventType;
  }

  String payloadCiphertext() {
    return payloadCiphertext;
  }

  CallbackStatus status() {
    return CallbackStatus.ofColumn(status);
  }

  int attempts() {
    return attempts;
  }

  OffsetDateTime nextAttemptAt() {
    return nextAttemptAt;
  }

  String leaseOwner() {
    return leaseOwner;
  }

  OffsetDateTime leaseUntil() {
    return leaseUntil;
  }

  Integer lastStatusCode() {
    return lastStatusCode;
  }

  String lastError() {
    return lastError;
  }

  OffsetDateTime createdAt() {
    return createdAt;
  }

  OffsetDateTime replayedAt() {
    return replayedAt;
  }

  OffsetDateTime deliveredAt() {
    return deliveredAt;
  }

  /** When what the message reports happened; null for messages older than this column. */
  OffsetDateTime occurredAt() {
    return occurredAt;
  }

  /** The message's number in its subject's sequence; null for messages older than this column. */
  Long sequenceNumber() {
    return sequenceNumber;
  }

  /** What the message reports on (a payment id); null when it keeps no order with others. */
  String subject() {
    return subject;
  }
}
