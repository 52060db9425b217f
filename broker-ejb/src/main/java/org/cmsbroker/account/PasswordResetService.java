package org.cmsbroker.account;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.crypto.SecretTokens;
import org.cmsbroker.mail.Mailer;
import org.cmsbroker.session.SessionService;

/**
 * Forgotten passwords: a single-use link (256 random bits, stored only as SHA-256, 30 minutes)
 * mailed to the account's address. The request answers the same whether or not an account exists;
 * at most {@link #MAX_LINKS_PER_HOUR} links an hour go to one account.
 */
@Stateless
public class PasswordResetService {
  public static final Duration LIFETIME = Duration.ofMinutes(30);
  public static final int MAX_LINKS_PER_HOUR = 3;

  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject AccountService accounts;
  @Inject SessionService sessions;
  @Inject SecurityEvents events;
  @Inject Mailer mailer;
  @Inject BrokerConfig config;
  @Inject SecureRandom random;

  @Inject Clock clock;

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /** A reset was asked for by username or email address: mail a link to each active match. */
  public void request(String usernameOrEmail, String remoteIp) {
    if (usernameOrEmail == null || usernameOrEmail.isBlank() || usernameOrEmail.length() > 254) {
      return;
    }
    List<AccountView> matches = new ArrayList<>();
    accounts.findByUsername(usernameOrEmail).ifPresent(matches::add);
    if (matches.isEmpty() && usernameOrEmail.contains("@")) {
      matches.addAll(accounts.findByEmail(usernameOrEmail));
    }
    if (matches.isEmpty()) {
      events.record("password_reset.requested", Outcome.FAILURE, null, remoteIp, "no_account");
      return;
    }
    for (AccountView account : matches) {
      if (account.state() != Account.State.ACTIVE) {
        events.record(
            "password_reset.requested", Outcome.REFUSED, account.id(), remoteIp, "disabled");
        continue;
      }
      OffsetDateTime now = now();
      long recent =
          em.createQuery(
                  "SELECT COUNT(r) FROM PasswordReset r WHERE r.accountId = :a AND r.createdAt > :t",
                  Long.class)
              .setParameter("a", account.id())
              .setParameter("t", now.minusHours(1))
              .getSingleResult();
      if (recent >= MAX_LINKS_PER_HOUR) {
        events.record(
            "password_reset.requested", Outcome.REFUSED, account.id(), remoteIp, "rate_limited");
        continue;
      }
      String token = randomToken();
      em.persist(new PasswordReset(hash(token), account.id(), now, now.plus(LIFETIME)));
      events.record("password_reset.requested", Outcome.SUCCESS, account.id(), remoteIp, null);
      mailer.send(
          account.email(),
          "Reset your password",
          "Someone asked to reset the password of the account \""
              + account.username()
              + "\" at "
              + config.publicUrl().getHost()
              + ".\n\nIf it was you, open this link within 30 minutes to choose a new password:\n\n"
              + config.publicUrl()
              + "/password/reset?token="
              + token
              + "\n\nIf it was not you, ignore this message: your password stays as it is.\n");
    }
  }

  /** The account a reset link belongs to, when the link is unused and unexpired. */
  public Optional<AccountView> check(String token) {
    return valid(token, false).flatMap(r -> accounts.findById(r.accountId()));
  }

  private Optional<PasswordReset> valid(String token, boolean lock) {
    if (token == null || token.length() != 43) {
      return Optional.empty();
    }
    PasswordReset reset =
        lock
            ? em.find(PasswordReset.class, hash(token), LockModeType.PESSIMISTIC_WRITE)
            : em.find(PasswordReset.class, hash(token));
    if (reset == null || reset.usedAt() != null || !reset.expiresAt().isAfter(now())) {
      return Optional.empty();
    }
    return Optional.of(reset);
  }

  /**
   * Sets the new password through a reset link, uses the link up and ends every session of the
   * account.
   *
   * @return false when the link is unknown, used or expired
   * @throws AccountException when the new password breaks the policy (the link stays usable)
   */
  public boolean complete(String token, char[] newPassword, String remoteIp)
      throws AccountException {
    Optional<PasswordReset> reset = valid(token, true);
    if (reset.isEmpty()) {
      events.record("password_reset.completed", Outcome.REFUSED, null, remoteIp, "invalid_link");
      return false;
    }
    accounts.setPasswordById(reset.get().accountId(), newPassword);
    reset.get().use(now());
    sessions.endAll(reset.get().accountId());
    events.record(
        "password_reset.completed", Outcome.SUCCESS, reset.get().accountId(), remoteIp, null);
    return true;
  }

  private String randomToken() {
    return SecretTokens.generate(random);
  }

  static String hash(String token) {
    return SecretTokens.hash(token);
  }
}
