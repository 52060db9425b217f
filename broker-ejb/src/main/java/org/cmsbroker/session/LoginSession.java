package org.cmsbroker.session;

import static org.cmsbroker.persistence.DataClass.AtRest.ENCRYPTED;
import static org.cmsbroker.persistence.DataClass.AtRest.HASHED;
import static org.cmsbroker.persistence.DataClass.Level.CONFIDENTIAL;
import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.cmsbroker.persistence.DataClass;

/** A session at rest (table {@code login_session}); the id is the SHA-256 of the cookie value. */
@Entity
@Table(name = "login_session")
public class LoginSession {
  @DataClass(value = CONFIDENTIAL, atRest = HASHED)
  @Id
  @Column(name = "id_hash", length = 64)
  private String idHash;

  @DataClass(RESTRICTED)
  @Column(name = "account_id", nullable = false, length = 36)
  private String accountId;

  /** Rendered into the session's forms, so kept encrypted, not hashed; plain in old rows. */
  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
  @Column(name = "csrf_token", nullable = false, length = 256)
  private String csrfToken;

  @DataClass(RESTRICTED)
  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @DataClass(RESTRICTED)
  @Column(name = "last_seen_at", nullable = false)
  private OffsetDateTime lastSeenAt;

  @DataClass(RESTRICTED)
  @Column(name = "expires_at", nullable = false)
  private OffsetDateTime expiresAt;

  @DataClass(RESTRICTED)
  @Column(name = "ended_at")
  private OffsetDateTime endedAt;

  /** An IP address is personal data; plain in rows written before it was encrypted. */
  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
  @Column(name = "remote_ip", length = 256)
  private String remoteIp;

  protected LoginSession() {}

  LoginSession(
      String idHash,
      String accountId,
      String csrfToken,
      OffsetDateTime now,
      OffsetDateTime expiresAt,
      String remoteIp) {
    this.idHash = idHash;
    this.accountId = accountId;
    this.csrfToken = csrfToken;
    this.createdAt = now;
    this.lastSeenAt = now;
    this.expiresAt = expiresAt;
    this.remoteIp = remoteIp;
  }

  String idHash() {
    return idHash;
  }

  String accountId() {
    return accountId;
  }

  String csrfToken() {
    return csrfToken;
  }

  OffsetDateTime createdAt() {
    return createdAt;
  }

  OffsetDateTime lastSeenAt() {
    return lastSeenAt;
  }

  void seen(OffsetDateTime when) {
    this.lastSeenAt = when;
  }

  OffsetDateTime expiresAt() {
    return expiresAt;
  }

  OffsetDateTime endedAt() {
    return endedAt;
  }

  void end(OffsetDateTime when) {
    this.endedAt = when;
  }
}
