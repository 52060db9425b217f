package org.cmsbroker.account;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.crypto.FieldCipher;
import org.cmsbroker.crypto.PasswordHasher;

/**
 * Accounts: create, find, disable, unlock, set and change passwords, and verify a password with the
 * same cost whether or not the account exists. Email and names are encrypted at rest; passwords are
 * kept only as Argon2id hashes and upgraded when the configured cost rises.
 */
@Stateless
public class AccountService {
  public static final String EMAIL = "account.email";

  /**
   * The name {@code account.username} is encrypted under, and its blind index {@code username_key}
   * made under.
   */
  public static final String USERNAME = "account.username";

  public static final String GIVEN_NAME = "account.given_name";
  public static final String FAMILY_NAME = "account.family_name";

  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject FieldCipher cipher;
  @Inject PasswordHasher hasher;
  @Inject PasswordPolicy policy;
  @Inject SecurityEvents events;

  @Inject Clock clock;

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /** Creates an account; the password must satisfy the policy. */
  public AccountView create(NewAccount request, char[] password) throws AccountException {
    String username = AccountRules.username(request.username());
    String email = AccountRules.email(request.email());
    String given = AccountRules.name(request.givenName());
    String family = AccountRules.name(request.familyName());
    String roles = AccountRules.roles(request.roles());
    checkPolicy(password);
    String key = AccountRules.usernameKey(username);
    if (entity(key).isPresent()) {
      throw new AccountException(
          AccountException.Reason.USERNAME_TAKEN, "That username is already taken.");
    }
    OffsetDateTime now = now();
    String id = UUID.randomUUID().toString();
    Account account =
        new Account(id, cipher.encrypt(USERNAME, id, username), usernameIndex(cipher, key), now);
    account.setEmail(cipher.encrypt(EMAIL, account.id(), email), emailIndex(email));
    account.setEmailVerified(request.emailVerified());
    account.setNames(
        cipher.encrypt(GIVEN_NAME, account.id(), given),
        cipher.encrypt(FAMILY_NAME, account.id(), family));
    account.setRoles(roles);
    account.setPasswordHash(hasher.hash(password), now);
    em.persist(account);
    em.flush();
    events.record("account.created", Outcome.SUCCESS, account.id(), null, null);
    return view(account);
  }

  private void checkPolicy(char[] password) throws AccountException {
    try {
      policy.check(java.nio.CharBuffer.wrap(password));
    } catch (PasswordPolicyException e) {
      throw new AccountException(AccountException.Reason.WEAK_PASSWORD, e.getMessage());
    }
  }

  /**
   * Rewrites personal fields written in an older format ({@code v1:} not bound to the row, {@code
   * v2:}) or under an older data key in the current one; called wherever the account is written
   * anyway.
   */
  private void reseal(Account a) {
    if (!cipher.isCurrent(a.usernameStored())) {
      String username = username(a);
      a.setUsername(
          cipher.encrypt(USERNAME, a.id(), username),
          usernameIndex(cipher, AccountRules.usernameKey(username)));
    }
    if (!cipher.isCurrent(a.emailCiphertext())) {
      a.setEmail(
          cipher.encrypt(EMAIL, a.id(), cipher.decrypt(EMAIL, a.id(), a.emailCiphertext())),
          a.emailIndex());
    }
    if (!cipher.isCurrent(a.givenNameCiphertext()) || !cipher.isCurrent(a.familyNameCiphertext())) {
      a.setNames(
          cipher.encrypt(
              GIVEN_NAME, a.id(), cipher.decrypt(GIVEN_NAME, a.id(), a.givenNameCiphertext())),
          cipher.encrypt(
              FAMILY_NAME, a.id(), cipher.decrypt(FAMILY_NAME, a.id(), a.familyNameCiphertext())));
    }
  }

  private String emailIndex(String email) {
    return cipher.index(EMAIL, AccountRules.emailKey(email));
  }

  /**
   * The blind index stored in {@code username_key} for a normalised username: HMAC-SHA256 under a
   * key derived from the master key (lowercase hex).
   */
  public static String usernameIndex(FieldCipher cipher, String usernameKey) {
    return cipher.index(USERNAME, usernameKey);
  }

  /** The decrypted username; plain in a row from before usernames were encrypted. */
  private String username(Account a) {
    String stored = a.usernameStored();
    return FieldCipher.isCiphertext(stored) ? cipher.decrypt(USERNAME, a.id(), stored) : stored;
  }

  // A row written before usernames were encrypted holds the normalised username itself.
  private Optional<Account> entity(String usernameKey) {
    return em.createQuery("SELECT a FROM Account a WHERE a.usernameKey IN (:i, :k)", Account.class)
        .setParameter("i", usernameIndex(cipher, usernameKey))
        .setParameter("k", usernameKey)
        .getResultStream()
        .findFirst();
  }

  private Account require(String username) throws AccountException {
    return entity(AccountRules.usernameKey(username == null ? "" : username))
        .orElseThrow(
            () ->
                new AccountException(
                    AccountException.Reason.NO_SUCH_ACCOUNT, "There is no such account."));
  }

  /** The account with this username (case-insensitive). */
  public Optional<AccountView> findByUsername(String username) {
    if (username == null || username.isBlank()) {
      return Optional.empty();
    }
    return entity(AccountRules.usernameKey(username)).map(this::view);
  }

  /**
   * The id of the account with this username, without decrypting anything: for security events on
   * the login path, where only the id is recorded.
   */
  public Optional<String> findIdByUsername(String username) {
    if (username == null || username.isBlank()) {
      return Optional.empty();
    }
    String key = AccountRules.usernameKey(username);
    return em.createQuery(
            "SELECT a.id FROM Account a WHERE a.usernameKey IN (:i, :k)", String.class)
        .setParameter("i", usernameIndex(cipher, key))
        .setParameter("k", key)
        .getResultStream()
        .findFirst();
  }

  /** The account with this id. */
  public Optional<AccountView> findById(String id) {
    return Optional.ofNullable(id == null ? null : em.find(Account.class, id)).map(this::view);
  }

  /** Accounts with this email address (addresses need not be unique). */
  public List<AccountView> findByEmail(String email) {
    if (email == null || email.isBlank()) {
      return List.of();
    }
    return em
        .createQuery("SELECT a FROM Account a WHERE a.emailIndex = :i", Account.class)
        .setParameter("i", emailIndex(email))
        .getResultList()
        .stream()
        .map(this::view)
        .toList();
  }

  /** All accounts, by username. */
  public List<AccountView> list() {
    return em.createQuery("SELECT a FROM Account a", Account.class).getResultList().stream()
        .map(this::view)
        .sorted(Comparator.comparing((AccountView v) -> usernameKey(v.username())))
        .toList();
  }

  /** Disables (or re-enables) an account: a disabled account cannot log in. */
  public AccountView setDisabled(String username, boolean disabled) throws AccountException {
    Account account = require(username);
    account.setState(disabled ? Account.State.DISABLED : Account.State.ACTIVE);
    account.touch(now());
    reseal(account);
    events.record(
        disabled ? "account.disabled" : "account.enabled",
        Outcome.SUCCESS,
        account.id(),
        null,
        null);
    return view(account);
  }

  /** Locks an account until {@code until} (null clears the lock). */
  public AccountView setLockedUntil(String username, Instant until) throws AccountException {
    Account account = require(username);
    account.setLockedUntil(until == null ? null : until.atOffset(ZoneOffset.UTC));
    account.touch(now());
    reseal(account);
    events.record(
        until == null ? "account.unlocked" : "account.locked",
        Outcome.SUCCESS,
        account.id(),
        null,
        null);
    return view(account);
  }

  /**
   * Sets a new password (administrator or reset): the policy applies; sessions stay the caller's
   * business.
   */
  public AccountView setPassword(String username, char[] password) throws AccountException {
    Account account = require(username);
    checkPolicy(password);
    account.setPasswordHash(hasher.hash(password), now());
    account.touch(now());
    reseal(account);
    events.record("account.password_set", Outcome.SUCCESS, account.id(), null, null);
    return view(account);
  }

  /** Sets a new password by account id (password reset). */
  public AccountView setPasswordById(String id, char[] password) throws AccountException {
    Account account = em.find(Account.class, id);
    if (account == null) {
      throw new AccountException(
          AccountException.Reason.NO_SUCH_ACCOUNT, "There is no such account.");
    }
    return setPassword(username(account), password);
  }

  /** Changes the password of a signed-in person, who must give the current one. */
  public AccountView changePassword(String id, char[] current, char[] replacement)
      throws AccountException {
    Account account = em.find(Account.class, id);
    if (account == null
        || account.passwordHash() == null
        || !hasher.verify(current, account.passwordHash())) {
      events.record("account.password_change", Outcome.FAILURE, id, null, "wrong_password");
      throw new AccountException(
          AccountException.Reason.WRONG_PASSWORD, "The current password is not correct.");
    }
    checkPolicy(replacement);
    account.setPasswordHash(hasher.hash(replacement), now());
    account.touch(now());
    reseal(account);
    events.record("account.password_change", Outcome.SUCCESS, id, null, null);
    return view(account);
  }

  /**
   * Verifies a password for a username. Costs one Argon2id verification whether or not the account
   * exists or has a password, so timing does not reveal accounts. On success the hash is upgraded
   * when the configured parameters rose, and the login time recorded, each by a single UPDATE that
   * leaves the account's version alone (so concurrent logins never conflict). Does not look at the
   * account's state: the caller decides what a disabled or locked account gets.
   */
  public Optional<AccountView> verifyPassword(String username, char[] password) {
    Optional<Account> found =
        username == null || username.isBlank()
            ? Optional.empty()
            : entity(AccountRules.usernameKey(username));
    if (found.isEmpty() || found.get().passwordHash() == null) {
      hasher.verifyDummy(password);
      return Optional.empty();
    }
    Account account = found.get();
    if (!hasher.verify(password, account.passwordHash())) {
      return Optional.empty();
    }
    // Single UPDATE statements, not versioned writes of the entity: concurrent logins of one
    // account (several browsers, several sites) must not fail each other on the version check.
    if (hasher.needsRehash(account.passwordHash())) {
      em.createQuery(
              "UPDATE Account a SET a.passwordHash = :replacement"
                  + " WHERE a.id = :id AND a.passwordHash = :current")
          .setParameter("replacement", hasher.hash(password))
          .setParameter("id", account.id())
          .setParameter("current", account.passwordHash())
          .executeUpdate();
    }
    em.createQuery("UPDATE Account a SET a.lastLoginAt = :now WHERE a.id = :id")
        .setParameter("now", now())
        .setParameter("id", account.id())
        .executeUpdate();
    em.refresh(account);
    return Optional.of(view(account));
  }

  /** The case-insensitive key a username is unique (and throttled) under. */
  public static String usernameKey(String username) {
    return AccountRules.usernameKey(username == null ? "" : username);
  }

  /** Wipes a password array. */
  public static void wipe(char[] password) {
    if (password != null) {
      Arrays.fill(password, '\0');
    }
  }

  private AccountView view(Account a) {
    List<String> roles = a.roles().isEmpty() ? List.of() : List.of(a.roles().split(","));
    return new AccountView(
        a.id(),
        username(a),
        cipher.decrypt(EMAIL, a.id(), a.emailCiphertext()),
        a.emailVerified(),
        cipher.decrypt(GIVEN_NAME, a.id(), a.givenNameCiphertext()),
        cipher.decrypt(FAMILY_NAME, a.id(), a.familyNameCiphertext()),
        roles,
        a.state(),
        a.lockedUntil() == null ? null : a.lockedUntil().toInstant(),
        a.createdAt().toInstant(),
        a.lastLoginAt() == null ? null : a.lastLoginAt().toInstant());
  }
}
