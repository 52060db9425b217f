package org.cmsbroker.token;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A signing key at rest (table {@code signing_key}): the private JWK is AES-256-GCM ciphertext. */
@Entity
@Table(name = "signing_key")
public class StoredSigningKey {
  @Id
  @Column(length = 64)
  private String kid;

  @Column(nullable = false, length = 16)
  private String alg;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @Column(name = "private_jwk_ciphertext", nullable = false, length = 8192)
  private String privateJwkCiphertext;

  protected StoredSigningKey() {}

  StoredSigningKey(String kid, String alg, OffsetDateTime createdAt, String privateJwkCiphertext) {
    this.kid = kid;
    this.alg = alg;
    this.createdAt = createdAt;
    this.privateJwkCiphertext = privateJwkCiphertext;
  }

  String kid() {
    return kid;
  }

  String alg() {
    return alg;
  }

  OffsetDateTime createdAt() {
    return createdAt;
  }

  String privateJwkCiphertext() {
    return privateJwkCiphertext;
  }
}
