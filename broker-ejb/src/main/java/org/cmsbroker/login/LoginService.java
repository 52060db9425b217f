package org.cmsbroker.login;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.cmsbroker.account.Account;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.session.SessionService;

/**
 * A login, in order: decrypt and check the submission (key, challenge bound to this browser),
 * throttle per account and per address, verify the password (same cost for unknown accounts), check
 * the account's state, then make a session. Every outcome is recorded as a security event with no
 * secret in it.
 */
@Stateless
public class LoginService {
  @Inject LoginComponents login;
  @Inject AccountService accounts;
  @Inject SessionService sessions;
  @Inject SecurityEvents events;
  @Inject BrokerConfig config;

  @Inject Clock clock;

  /** A login with the page's encrypted submission; {@code bindingCookie} from this browser. */
  public LoginOutcome loginEncrypted(String compactJwe, String bindingCookie, String remoteIp) {
    return loginEncrypted(compactJwe, bindingCookie, remoteIp, null);
  }

  /**
   * As above; {@code previousSession} is the session cookie this browser sent (or null): a
   * successful login replaces that session (it is ended, its refresh tokens revoked, its clients
   * notified).
   */
  public LoginOutcome loginEncrypted(
      String compactJwe, String bindingCookie, String remoteIp, String previousSession) {
    LoginCredentials credentials;
    try {
      credentials =
          login
              .decryptor()
              .decrypt(compactJwe, challenge -> login.isBound(challenge, bindingCookie));
    } catch (LoginRejectedException e) {
      events.record("login", Outcome.REFUSED, null, remoteIp, e.reason().code());
      return new LoginOutcome.Rejected(e.reason());
    }
    char[] password = credentials.passwordChars();
    try {
      return verify(credentials.username(), password, remoteIp, previousSession);
    } finally {
      AccountService.wipe(password);
    }
  }

  /** A plaintext login post: refused unless the operator allowed it. */
  public LoginOutcome loginPlaintext(String username, char[] password, String remoteIp) {
    return loginPlaintext(username, password, remoteIp, null);
  }

  /** As above; a successful login replaces {@code previousSession}, as with the encrypted one. */
  public LoginOutcome loginPlaintext(
      String username, char[] password, String remoteIp, String previousSession) {
    try {
      if (!config.loginAllowPlaintext()) {
        events.record("login", Outcome.REFUSED, null, remoteIp, "plaintext_refused");
        return new LoginOutcome.PlaintextRefused();
      }
      if (username == null
          || username.length() > JweLoginDecryptor.MAX_USERNAME_LENGTH
          || password == null
          || password.length > 2 * JweLoginDecryptor.MAX_PASSWORD_LENGTH) {
        events.record("login", Outcome.REFUSED, null, remoteIp, "field_too_long");
        return new LoginOutcome.Rejected(LoginRejectedException.Reason.FIELD_TOO_LONG);
      }
      return verify(username, password, remoteIp, previousSession);
    } finally {
      AccountService.wipe(password);
    }
  }

  private LoginOutcome verify(
      String username, char[] password, String remoteIp, String previousSession) {
    String accountKey = AccountService.usernameKey(username);
    String address = remoteIp == null ? "unknown" : remoteIp;
    LoginThrottle.Attempt attempt = login.throttle().reserve(accountKey, address);
    try {
      return verify(username, password, remoteIp, previousSession, accountKey, address, attempt);
    } finally {
      attempt.release(); // does nothing once the attempt is settled
    }
  }

  private LoginOutcome verify(
      String username,
      char[] password,
      String remoteIp,
      String previousSession,
      String accountKey,
      String address,
      LoginThrottle.Attempt attempt) {
    ThrottleDecision decision = attempt.decision();
    Optional<String> knownId = accounts.findIdByUsername(username);
    if (!decision.allowed()) {
      events.record(
          "login",
          Outcome.REFUSED,
          knownId.orElse(null),
          remoteIp,
          decision.accountLimitReached() ? "account_locked" : "throttled");
      return new LoginOutcome.Locked(
          decision.lockedUntil().orElse(clock.instant()), decision.accountLimitReached());
    }
    Optional<AccountView> verified = accounts.verifyPassword(username, password);
    if (verified.isEmpty()) {
      attempt.failed();
      events.record(
          "login", Outcome.FAILURE, knownId.orElse(null), remoteIp, "invalid_credentials");
      ThrottleDecision after = login.throttle().check(accountKey, address);
      if (after.accountLimitReached()) {
        events.record(
            "account.locked", Outcome.SUCCESS, knownId.orElse(null), remoteIp, "throttle");
      }
      return new LoginOutcome.InvalidCredentials();
    }
    AccountView account = verified.get();
    if (account.state() == Account.State.DISABLED) {
      events.record("login", Outcome.REFUSED, account.id(), remoteIp, "account_disabled");
      return new LoginOutcome.Disabled();
    }
    Instant now = clock.instant();
    if (account.lockedUntil() != null && account.lockedUntil().isAfter(now)) {
      events.record("login", Outcome.REFUSED, account.id(), remoteIp, "account_locked");
      return new LoginOutcome.Locked(account.lockedUntil(), true);
    }
    attempt.succeeded();
    sessions.endReplaced(previousSession);
    var session = sessions.create(account.id(), remoteIp);
    events.record("login", Outcome.SUCCESS, account.id(), remoteIp, null);
    return new LoginOutcome.Success(account, session);
  }
}
