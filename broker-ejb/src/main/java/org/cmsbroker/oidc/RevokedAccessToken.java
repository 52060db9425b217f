package org.cmsbroker.oidc;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** An access token revoked before its expiry (table {@code revoked_access_token}). */
@Entity
@Table(name = "revoked_access_token")
public class RevokedAccessToken {
  @Id
  @Column(length = 64)
  private String jti;

  @Column(name = "expires_at", nullable = false)
  private OffsetDateTime expiresAt;

  protected RevokedAccessToken() {}

  RevokedAccessToken(String jti, OffsetDateTime expiresAt) {
    this.jti = jti;
    this.expiresAt = expiresAt;
  }
}
