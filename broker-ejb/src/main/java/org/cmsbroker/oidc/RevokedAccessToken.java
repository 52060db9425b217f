package org.cmsbroker.oidc;

import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.cmsbroker.persistence.DataClass;

/** An access token revoked before its expiry (table {@code revoked_access_token}). */
@Entity
@Table(name = "revoked_access_token")
public class RevokedAccessToken {
  /** An access token's id: naming a token does not grant its use. */
  @DataClass(RESTRICTED)
  @Id
  @Column(length = 64)
  private String jti;

  @DataClass(RESTRICTED)
  @Column(name = "expires_at", nullable = false)
  private OffsetDateTime expiresAt;

  protected RevokedAccessToken() {}

  RevokedAccessToken(String jti, OffsetDateTime expiresAt) {
    this.jti = jti;
    this.expiresAt = expiresAt;
  }
}
