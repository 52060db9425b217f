package org.cmsbroker.oidc;

import static org.cmsbroker.persistence.DataClass.AtRest.HASHED;
import static org.cmsbroker.persistence.DataClass.Level.CONFIDENTIAL;
import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.cmsbroker.persistence.DataClass;

/** A refresh token at rest (table {@code refresh_token}): only its SHA-256 is stored. */
@Entity
@Table(name = "refresh_token")
public class RefreshToken {
  @DataClass(value = CONFIDENTIAL, atRest = HASHED)
  @Id
  @Column(name = "token_hash", length = 64)
  private String tokenHash;

  @DataClass(RESTRICTED)
  @Column(name = "family_id", nullable = false, length = 36)
  private String familyId;

  @DataClass(RESTRICTED)
  @Column(name = "client_id", nullable = false, length = 128)
  private String clientId;

  @DataClass(RESTRICTED)
  @Column(name = "account_id", nullable = false, length = 36)
  private String accountId;

  @DataClass(value = CONFIDENTIAL, atRest = HASHED)
  @Column(name = "session_id_hash", length = 64)
  private String sessionIdHash;

  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 1024)
  private String scope;

  @DataClass(RESTRICTED)
  @Column(name = "auth_time", nullable = false)
  private OffsetDateTime authTime;

  @DataClass(RESTRICTED)
  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @DataClass(RESTRICTED)
  @Column(name = "expires_at", nullable = false)
  private OffsetDateTime expiresAt;

  @DataClass(RESTRICTED)
  @Column(name = "used_at")
  private OffsetDateTime usedAt;

  @DataClass(RESTRICTED)
  @Column(name = "revoked_at")
  private OffsetDateTime revokedAt;

  protected RefreshToken() {}

  RefreshToken(
      String tokenHash,
      String familyId,
      RefreshGrant grant,
      OffsetDateTime now,
      OffsetDateTime expiresAt) {
    this.tokenHash = tokenHash;
    this.familyId = familyId;
    this.clientId = grant.clientId();
    this.accountId = grant.accountId();
    this.sessionIdHash = grant.sessionIdHash();
    this.scope = grant.scope();
    this.authTime = grant.authTime();
    this.createdAt = now;
    this.expiresAt = expiresAt;
  }

  public String familyId() {
    return familyId;
  }

  public String clientId() {
    return clientId;
  }

  OffsetDateTime expiresAt() {
    return expiresAt;
  }

  OffsetDateTime usedAt() {
    return usedAt;
  }

  OffsetDateTime revokedAt() {
    return revokedAt;
  }

  void use(OffsetDateTime when) {
    this.usedAt = when;
  }

  public RefreshGrant grant() {
    return new RefreshGrant(clientId, accountId, sessionIdHash, scope, authTime);
  }
}
