package org.cmsbroker.audit;

import static org.cmsbroker.persistence.DataClass.Level.CONFIDENTIAL;
import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.cmsbroker.persistence.DataClass;

/**
 * One recorded security event (table {@code security_event}). Written once; updated once more only
 * to be sealed into the audit chain ({@link AuditChain}), never changed after that.
 */
@Entity
@Table(name = "security_event")
public class SecurityEvent {
  @DataClass(RESTRICTED)
  @Id
  @SequenceGenerator(
      name = "security_event_id",
      sequenceName = "security_event_seq",
      allocationSize = 1)
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "security_event_id")
  private Long id;

  @DataClass(RESTRICTED)
  @Column(name = "occurred_at", nullable = false)
  private OffsetDateTime occurredAt;

  @DataClass(RESTRICTED)
  @Column(name = "event_type", nullable = false, length = 64)
  private String eventType;

  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 16)
  private String outcome;

  /** An account id, never a username or an address. */
  @DataClass(RESTRICTED)
  @Column(name = "subject_id", length = 64)
  private String subjectId;

  @DataClass(RESTRICTED)
  @Column(name = "client_id", length = 128)
  private String clientId;

  /**
   * An IP address is personal data; kept plain because the row is hash-chained (see
   * DataClassificationTest).
   */
  @DataClass(CONFIDENTIAL)
  @Column(name = "remote_ip", length = 45)
  private String remoteIp;

  /** Reason codes and ids the broker writes itself, never input text. */
  @DataClass(RESTRICTED)
  @Column(length = 1024)
  private String detail;

  @DataClass(RESTRICTED)
  @Column(name = "chain_seq")
  private Long chainSeq;

  /** An integrity hash over the row, not a secret. */
  @DataClass(RESTRICTED)
  @Column(name = "chain_hash", length = 64)
  private String chainHash;

  protected SecurityEvent() {}

  SecurityEvent(
      OffsetDateTime occurredAt,
      String eventType,
      String outcome,
      String subjectId,
      String clientId,
      String remoteIp,
      String detail) {
    this.occurredAt = occurredAt;
    this.eventType = eventType;
    this.outcome = outcome;
    this.subjectId = subjectId;
    this.clientId = clientId;
    this.remoteIp = remoteIp;
    this.detail = detail;
  }

  public Long id() {
    return id;
  }

  public OffsetDateTime occurredAt() {
    return occurredAt;
  }

  public String eventType() {
    return eventType;
  }

  public String outcome() {
    return outcome;
  }

  public String subjectId() {
    return subjectId;
  }

  public String remoteIp() {
    return remoteIp;
  }

  public String detail() {
    return detail;
  }

  public String clientId() {
    return clientId;
  }

  /** The event's position in the audit chain, or null while it is not sealed yet. */
  public Long chainSeq() {
    return chainSeq;
  }

  /** The chain hash up to and including this event, or null while it is not sealed yet. */
  public String chainHash() {
    return chainHash;
  }

  void seal(long seq, String hash) {
    if (chainSeq != null) {
      throw new IllegalStateException("security event " + id + " is already sealed");
    }
    this.chainSeq = seq;
    this.chainHash = hash;
  }

  /**
   * The event's fields by their public names, in a fixed order, for listings and archives: id,
   * position, time, type, outcome, account, client, address, detail (never a secret: none is kept).
   */
  public java.util.Map<String, Object> fields() {
    java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
    row.put("id", id);
    row.put("position", chainSeq);
    row.put("time", occurredAt.toInstant().toString());
    row.put("type", eventType);
    row.put("outcome", outcome);
    row.put("account", subjectId);
    row.put("client", clientId);
    row.put("address", remoteIp);
    row.put("detail", detail);
    return row;
  }
}
