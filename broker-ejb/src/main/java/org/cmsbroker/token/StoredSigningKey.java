package org.cmsbroker.token;

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

/** A signing key at rest (table {@code signing_key}): the private JWK is AES-256-GCM ciphertext. */
@Entity
@Table(name = "signing_key")
public class StoredSigningKey {
  /** Published in the JWKS. */
  @DataClass(PUBLIC)
  @Id
  @Column(length = 64)
  private String kid;

  /** Published in the JWKS. */
  @DataClass(PUBLIC)
  @Column(nullable = false, length = 16)
  private String alg;

  @DataClass(RESTRICTED)
  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
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
