package org.cmsbroker.login;

import static org.cmsbroker.persistence.DataClass.AtRest.ENCRYPTED;
import static org.cmsbroker.persistence.DataClass.Level.CONFIDENTIAL;
import static org.cmsbroker.persistence.DataClass.Level.PUBLIC;
import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.cmsbroker.persistence.DataClass;

/** A login key at rest (table {@code login_key}): the private JWK is AES-256-GCM ciphertext. */
@Entity
@Table(name = "login_key")
public class StoredLoginKey {
  /** Published with the login key's public JWK. */
  @DataClass(PUBLIC)
  @Id
  @Column(length = 64)
  private String kid;

  @DataClass(RESTRICTED)
  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
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
