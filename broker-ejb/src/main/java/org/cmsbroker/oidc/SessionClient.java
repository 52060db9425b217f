package org.cmsbroker.oidc;

import static org.cmsbroker.persistence.DataClass.AtRest.HASHED;
import static org.cmsbroker.persistence.DataClass.Level.CONFIDENTIAL;
import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import org.cmsbroker.persistence.DataClass;

/** A client that a login session handed tokens to (table {@code session_client}). */
@Entity
@Table(name = "session_client")
@IdClass(SessionClient.Key.class)
public class SessionClient {
  @DataClass(value = CONFIDENTIAL, atRest = HASHED)
  @Id
  @Column(name = "session_id_hash", length = 64)
  private String sessionIdHash;

  @DataClass(RESTRICTED)
  @Id
  @Column(name = "client_id", length = 128)
  private String clientId;

  @DataClass(RESTRICTED)
  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  protected SessionClient() {}

  SessionClient(String sessionIdHash, String clientId, OffsetDateTime createdAt) {
    this.sessionIdHash = sessionIdHash;
    this.clientId = clientId;
    this.createdAt = createdAt;
  }

  /** Composite key. */
  public static class Key implements Serializable {
    private static final long serialVersionUID = 1L;
    private String sessionIdHash;
    private String clientId;

    public Key() {}

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && Objects.equals(sessionIdHash, k.sessionIdHash)
          && Objects.equals(clientId, k.clientId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(sessionIdHash, clientId);
    }
  }
}
