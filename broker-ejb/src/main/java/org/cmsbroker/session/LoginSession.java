package org.cmsbroker.session;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A session at rest (table {@code login_session}); the id is the SHA-256 of the cookie value. */
@Entity
@Table(name = "login_session")
public class LoginSession {
  @Id
  @Column(name = "id_hash", length = 64)
  private String idHash;

  @Column(name = "account_id", nullable = false, length = 36)
  private String accountId;

  @Column(name = "csrf_token", nullable = false, length = 64)
  private String csrfToken;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @Column(name = "last_seen_at", nullable = false)
  private OffsetDateTime lastSeenAt;

  @Column(name = "expires_at", nullable = false)
  private OffsetDateTime expiresAt;

  @Column(name = "ended_at")
  private OffsetDateTime endedAt;

  @Column(name = "remote_ip", length = 45)
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
