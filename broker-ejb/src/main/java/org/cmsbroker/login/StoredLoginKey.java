package org.cmsbroker.login;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A login key at rest (table {@code login_key}): the private JWK is AES-256-GCM ciphertext. */
@Entity
@Table(name = "login_key")
public class StoredLoginKey {
  @Id
  @Column(length = 64)
  private String kid;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @Column(name = "private_jwk_ciphertext", nullable = false, length = 8192)
  private String privateJwkCiphertext;

  protected StoredLoginKey() {}

  StoredLoginKey(String kid, OffsetDateTime createdAt, String privateJwkCiphertext) {
    this.kid = kid;
    this.createdAt = createdAt;
    this.privateJwkCiphertext = privateJwkCiphertext;
  }

  String kid() {
    return kid;
  }

  OffsetDateTime createdAt() {
    return createdAt;
  }

  String privateJwkCiphertext() {
    return privateJwkCiphertext;
  }
}
