package org.cmsbroker.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A password-reset link at rest (table {@code password_reset}): only a SHA-256 of the token. */
@Entity
@Table(name = "password_reset")
public class PasswordReset {
  @Id
  @Column(name = "token_hash", length = 64)
  private String tokenHash;

  @Column(name = "account_id", nullable = false, length = 36)
  private String accountId;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @Column(name = "expires_at", nullable = false)
  private OffsetDateTime expiresAt;

  @Column(name = "used_at")
  private OffsetDateTime usedAt;

  protected PasswordReset() {}

  PasswordReset(String tokenHash, String accountId, OffsetDateTime now, OffsetDateTime expiresAt) {
    this.tokenHash = tokenHash;
    this.accountId = accountId;
    this.createdAt = now;
    this.expiresAt = expiresAt;
  }

  String accountId() {
    return accountId;
  }

  OffsetDateTime expiresAt() {
    return expiresAt;
  }

  OffsetDateTime usedAt() {
    return usedAt;
  }

  void use(OffsetDateTime when) {
    this.usedAt = when;
  }
}
