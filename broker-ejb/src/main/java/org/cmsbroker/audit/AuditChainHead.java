package org.cmsbroker.audit;

import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.cmsbroker.persistence.DataClass;

/**
 * The one row of {@code audit_chain_head}: the last sealed position and hash, and the anchor
 * (position and hash of the last pruned row) from which verification starts. Locked for update by
 * whoever seals, so sealing is one at a time across every instance on the database.
 */
@Entity
@Table(name = "audit_chain_head")
public class AuditChainHead {
  static final int ID = 1;

  @DataClass(RESTRICTED)
  @Id
  private Integer id;

  @DataClass(RESTRICTED)
  @Column(nullable = false)
  private long seq;

  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 64)
  private String hash;

  @DataClass(RESTRICTED)
  @Column(name = "anchor_seq", nullable = false)
  private long anchorSeq;

  @DataClass(RESTRICTED)
  @Column(name = "anchor_hash", nullable = false, length = 64)
  private String anchorHash;

  @DataClass(RESTRICTED)
  @Column(name = "sealed_at")
  private OffsetDateTime sealedAt;

  protected AuditChainHead() {}

  public long seq() {
    return seq;
  }

  public String hash() {
    return hash;
  }

  public long anchorSeq() {
    return anchorSeq;
  }

  public String anchorHash() {
    return anchorHash;
  }

  public OffsetDateTime sealedAt() {
    return sealedAt;
  }

  void advance(long seq, String hash, OffsetDateTime at) {
    this.seq = seq;
    this.hash = hash;
    this.sealedAt = at;
  }

  void anchor(long seq, String hash) {
    this.anchorSeq = seq;
    this.anchorHash = hash;
  }
}
