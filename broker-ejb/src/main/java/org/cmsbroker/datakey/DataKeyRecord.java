package org.cmsbroker.datakey;

import static org.cmsbroker.persistence.DataClass.AtRest.ENCRYPTED;
import static org.cmsbroker.persistence.DataClass.Level.CONFIDENTIAL;
import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.cmsbroker.crypto.StoredDataKey;
import org.cmsbroker.persistence.DataClass;

/** A data key at rest (table {@code data_key}). */
@Entity
@Table(name = "data_key")
public class DataKeyRecord {
  /** Written in clear into every ciphertext made with the key. */
  @DataClass(RESTRICTED)
  @Id
  @Column(name = "key_id", length = 32)
  private String keyId;

  /** Wrapped by a key derived from the master key, never by a data key. */
  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
  @Column(name = "wrapped_key", nullable = false, length = 200)
  private String wrappedKey;

  @DataClass(RESTRICTED)
  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  protected DataKeyRecord() {}

  DataKeyRecord(StoredDataKey key) {
    this.keyId = key.id();
    this.wrappedKey = key.wrapped();
    this.createdAt = key.createdAt().atOffset(ZoneOffset.UTC);
  }

  StoredDataKey toStored() {
    return new StoredDataKey(keyId, wrappedKey, createdAt.toInstant());
  }
}
