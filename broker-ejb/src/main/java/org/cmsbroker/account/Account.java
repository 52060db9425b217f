package org.cmsbroker.account;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;

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

  @Id
  @Column(length = 36)
  private String id;

  @Column(nullable = false, length = 254)
  private String username;

  @Column(name = "username_key", nullable = false, length = 254, unique = true)
  private String usernameKey;

  @Column(name = "email_ciphertext", nullable = false, length = 1024)
  private String emailCiphertext;

  @Column(name = "email_index", nullable = false, length = 64)
  private String emailIndex;

  @Column(name = "email_verified", nullable = false)
  private boolean emailVerified;

  @Column(name = "given_name_ciphertext", length = 1024)
  private String givenNameCiphertext;

  @Column(name = "family_name_ciphertext", length = 1024)
  private String familyNameCiphertext;

  @Column(nullable = false, length = 1024)
  private String roles;

  @Column(nullable = false, length = 16)
  private String state;

  @Column(name = "locked_until")
  private OffsetDateTime lockedUntil;

  @Column(name = "password_hash", length = 512)
  private String passwordHash;

  @Column(name = "password_changed_at")
  private OffsetDateTime passwordChangedAt;

  @Column(name = "last_login_at")
  private OffsetDateTime lastLoginAt;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  private OffsetDateTime updatedAt;

  @Version private long version;

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

  public String username() {
    return username;
  }

  String usernameKey() {
    return usernameKey;
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
