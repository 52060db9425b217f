package org.cmsbroker.account;

import static org.cmsbroker.persistence.DataClass.AtRest.HASHED;
import static org.cmsbroker.persistence.DataClass.Level.CONFIDENTIAL;
import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.cmsbroker.persistence.DataClass;

/** A password-reset link at rest (table {@code password_reset}): only a SHA-256 of the token. */
@Entity
@Table(name = "password_reset")
public class PasswordReset {
  @DataClass(value = CONFIDENTIAL, atRest = HASHED)
  @Id
  @Column(name = "token_hash", length = 64)
  private String tokenHash;

  @DataClass(RESTRICTED)
  @Column(name = "account_id", nullable = false, length = 36)
  private String accountId;

  @DataClass(RESTRICTED)
  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @DataClass(RESTRICTED)
  @Column(name = "expires_at", nullable = false)
  private OffsetDateTime expiresAt;

  @DataClass(RESTRICTED)
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
