package org.cmsbroker.account;

import static org.cmsbroker.persistence.DataClass.AtRest.ENCRYPTED;
import static org.cmsbroker.persistence.DataClass.AtRest.HASHED;
import static org.cmsbroker.persistence.DataClass.Level.CONFIDENTIAL;
import static org.cmsbroker.persistence.DataClass.Level.RESTRICTED;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import org.cmsbroker.persistence.DataClass;

/**
 * A person who logs in (table {@code account}). The id is random and never changes: it is the
 * OpenID Connect {@code sub}. Email and names are stored encrypted by {@link AccountService}; this
 * entity only ever holds their ciphertext.
 */
@Entity
@Table(name = "account")
public class Account {
  /** Whether the account may log in at all. */
  public enum State {
    ACTIVE,
    DISABLED
  }

  @DataClass(RESTRICTED)
  @Id
  @Column(length = 36)
  private String id;

  /** May be an email address; plain in rows written before it was encrypted. */
  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
  @Column(nullable = false, length = 2048)
  private String username;

  /**
   * HMAC-SHA256 blind index of the normalised username, unique, for lookups; the normalised
   * username itself in rows written before.
   */
  @DataClass(value = CONFIDENTIAL, atRest = HASHED)
  @Column(name = "username_key", nullable = false, length = 254, unique = true)
  private String usernameKey;

  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
  @Column(name = "email_ciphertext", nullable = false, length = 1024)
  private String emailCiphertext;

  /** HMAC-SHA256 blind index of the normalised address, for lookups. */
  @DataClass(value = CONFIDENTIAL, atRest = HASHED)
  @Column(name = "email_index", nullable = false, length = 64)
  private String emailIndex;

  @DataClass(RESTRICTED)
  @Column(name = "email_verified", nullable = false)
  private boolean emailVerified;

  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
  @Column(name = "given_name_ciphertext", length = 1024)
  private String givenNameCiphertext;

  @DataClass(value = CONFIDENTIAL, atRest = ENCRYPTED)
  @Column(name = "family_name_ciphertext", length = 1024)
  private String familyNameCiphertext;

  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 1024)
  private String roles;

  @DataClass(RESTRICTED)
  @Column(nullable = false, length = 16)
  private String state;

  @DataClass(RESTRICTED)
  @Column(name = "locked_until")
  private OffsetDateTime lockedUntil;

  /** Argon2id; the password itself is Secret and never stored. */
  @DataClass(value = CONFIDENTIAL, atRest = HASHED)
  @Column(name = "password_hash", length = 512)
  private String passwordHash;

  @DataClass(RESTRICTED)
  @Column(name = "password_changed_at")
  private OffsetDateTime passwordChangedAt;

  @DataClass(RESTRICTED)
  @Column(name = "last_login_at")
  private OffsetDateTime lastLoginAt;

  @DataClass(RESTRICTED)
  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @DataClass(RESTRICTED)
  @Column(name = "updated_at", nullable = false)
  private OffsetDateTime updatedAt;

  @DataClass(RESTRICTED)
  @Version
  private long version;

  protected Account() {}

  Account(String id, String username, String usernameKey, OffsetDateTime now) {
    this.id = id;
    this.username = username;
    this.usernameKey = usernameKey;
    this.state = State.ACTIVE.name();
    this.roles = "";
    this.createdAt = now;
    this.updatedAt = now;
  }

  public String id() {
    return id;
  }

  /** The stored username: a ciphertext, or plain in a row from before it was encrypted. */
  String usernameStored() {
    return username;
  }

  String usernameKey() {
    return usernameKey;
  }

  void setUsername(String stored, String key) {
    this.username = stored;
    this.usernameKey = key;
  }

  String emailCiphertext() {
    return emailCiphertext;
  }

  String emailIndex() {
    return emailIndex;
  }

  void setEmail(String ciphertext, String index) {
    this.emailCiphertext = ciphertext;
    this.emailIndex = index;
  }

  public boolean emailVerified() {
    return emailVerified;
  }

  void setEmailVerified(boolean verified) {
    this.emailVerified = verified;
  }

  String givenNameCiphertext() {
    return givenNameCiphertext;
  }

  String familyNameCiphertext() {
    return familyNameCiphertext;
  }

  void setNames(String givenCiphertext, String familyCiphertext) {
    this.givenNameCiphertext = givenCiphertext;
    this.familyNameCiphertext = familyCiphertext;
  }

  public String roles() {
    return roles;
  }

  void setRoles(String roles) {
    this.roles = roles;
  }

  public State state() {
    return State.valueOf(state);
  }

  void setState(State state) {
    this.state = state.name();
  }

  public OffsetDateTime lockedUntil() {
    return lockedUntil;
  }

  void setLockedUntil(OffsetDateTime until) {
    this.lockedUntil = until;
  }

  String passwordHash() {
    return passwordHash;
  }

  void setPasswordHash(String hash, OffsetDateTime when) {
    this.passwordHash = hash;
    this.passwordChangedAt = when;
  }

  public OffsetDateTime lastLoginAt() {
    return lastLoginAt;
  }

  void setLastLoginAt(OffsetDateTime when) {
    this.lastLoginAt = when;
  }

  public OffsetDateTime createdAt() {
    return createdAt;
  }

  void touch(OffsetDateTime now) {
    this.updatedAt = now;
  }
}
