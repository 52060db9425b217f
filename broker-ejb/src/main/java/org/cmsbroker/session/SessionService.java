package org.cmsbroker.session;

import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.crypto.FieldCipher;
import org.cmsbroker.crypto.SecretTokens;

/**
 * Makes, finds and ends login sessions. A session ends when unused for the idle timeout, at the
 * absolute timeout, at logout, when a new login in the same browser replaces it, or when its
 * account's password changes or is reset or the account is disabled. Ending a session for a
 * replacing login or an account change also revokes its refresh tokens and sends back-channel
 * logout to the clients it handed tokens to.
 */
@Stateless
public class SessionService {
  /**
   * The cookie that carries the session: {@code __Host-} so only this origin, over TLS, sets it.
   */
  public static final String COOKIE = "__Host-broker_session";

  /** The name column {@code login_session.csrf_token} is encrypted under, bound to the row. */
  public static final String CSRF_FIELD = "login_session.csrf_token";

  /** The name column {@code login_session.remote_ip} is encrypted under, bound to the row. */
  public static final String REMOTE_IP_FIELD = "login_session.remote_ip";

  /** Last-seen times are written at most this often, to spare the database. */
  static final Duration SEEN_GRANULARITY = Duration.ofSeconds(30);

  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject BrokerConfig config;
  @Inject SecureRandom random;
  @Inject Event<SessionEnded> ended;
  @Inject FieldCipher cipher;

  @Inject Clock clock;

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /** Makes a session for an account that has just logged in. */
  public NewSession create(String accountId, String remoteIp) {
    String token = randomToken();
    String idHash = hash(token);
    OffsetDateTime now = now();
    LoginSession session =
        new LoginSession(
            idHash,
            accountId,
            cipher.encrypt(CSRF_FIELD, idHash, randomToken()),
            now,
            now.plus(config.sessionAbsolute()),
            cipher.encrypt(REMOTE_IP_FIELD, idHash, remoteIp));
    em.persist(session);
    return new NewSession(token, active(session));
  }

  /** The live session for a cookie value, touching its last-seen time; empty when none. */
  public Optional<ActiveSession> resolve(String token) {
    if (token == null || token.length() != 43) {
      return Optional.empty();
    }
    LoginSession session = em.find(LoginSession.class, hash(token));
    OffsetDateTime now = now();
    if (session == null || !live(session, now)) {
      return Optional.empty();
    }
    if (session.lastSeenAt().plus(SEEN_GRANULARITY).isBefore(now)) {
      session.seen(now);
    }
    return Optional.of(active(session));
  }

  /**
   * The live session with this stored id, for tokens bound to a session. Does not touch its
   * last-seen time: a client refreshing tokens in the background is not the person using the
   * browser, so it must not keep an idle browser session alive.
   */
  public Optional<ActiveSession> findLive(String idHash) {
    if (idHash == null) {
      return Optional.empty();
    }
    LoginSession session = em.find(LoginSession.class, idHash);
    if (session == null || !live(session, now())) {
      return Optional.empty();
    }
    return Optional.of(active(session));
  }

  /** Whether the session with this stored id is live, without touching it (introspection). */
  public boolean isLive(String idHash) {
    if (idHash == null) {
      return false;
    }
    LoginSession session = em.find(LoginSession.class, idHash);
    return session != null && live(session, now());
  }

  /**
   * Ends the session with this stored id (RP-initiated logout), announced as a {@link
   * SessionEnded}: its refresh tokens are revoked and its clients sent back-channel logout.
   */
  public void endByHash(String idHash) {
    LoginSession session = idHash == null ? null : em.find(LoginSession.class, idHash);
    if (session != null && session.endedAt() == null) {
      endAndNotify(session, now());
    }
  }

  private boolean live(LoginSession session, OffsetDateTime now) {
    return session.endedAt() == null
        && session.expiresAt().isAfter(now)
        && session.lastSeenAt().plus(config.sessionIdle()).isAfter(now);
  }

  /**
   * Ends the session of this cookie value (the broker's own sign-out), announced as a {@link
   * SessionEnded} like every other ending.
   */
  public void end(String token) {
    if (token == null) {
      return;
    }
    LoginSession session = em.find(LoginSession.class, hash(token));
    if (session != null && session.endedAt() == null) {
      endAndNotify(session, now());
    }
  }

  /**
   * Ends every session of an account (password changed or reset, account disabled); each ending is
   * announced as a {@link SessionEnded}, on which their refresh tokens are revoked and their
   * clients sent back-channel logout.
   *
   * @return how many sessions were ended
   */
  public int endAll(String accountId) {
    List<LoginSession> open =
        em.createQuery(
                "SELECT s FROM LoginSession s WHERE s.accountId = :a AND s.endedAt IS NULL",
                LoginSession.class)
            .setParameter("a", accountId)
            .getResultList();
    OffsetDateTime now = now();
    for (LoginSession session : open) {
      endAndNotify(session, now);
    }
    return open.size();
  }

  /**
   * Ends the session of the cookie a browser sent with a new login, if it is still open, whoever's
   * it is: a browser has one session, the newest. Its refresh tokens are revoked and its clients
   * get back-channel logout, as at logout.
   */
  public void endReplaced(String token) {
    if (token == null || token.length() != 43) {
      return;
    }
    LoginSession session = em.find(LoginSession.class, hash(token));
    if (session != null && session.endedAt() == null) {
      endAndNotify(session, now());
    }
  }

  private void endAndNotify(LoginSession session, OffsetDateTime now) {
    session.end(now);
    ended.fire(new SessionEnded(session.idHash(), session.accountId()));
  }

  /** Whether {@code presented} is the session's CSRF token, compared in constant time. */
  public static boolean csrfMatches(ActiveSession session, String presented) {
    return presented != null
        && MessageDigest.isEqual(
            session.csrfToken().getBytes(StandardCharsets.US_ASCII),
            presented.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The session's CSRF token. Sessions made before the token was encrypted hold it plain: read as
   * it is (the row is rewritten encrypted by {@code admin rotate-data-key}, or ends within the
   * absolute timeout).
   */
  private String csrfToken(LoginSession s) {
    String stored = s.csrfToken();
    return FieldCipher.isCiphertext(stored)
        ? cipher.decrypt(CSRF_FIELD, s.idHash(), stored)
        : stored;
  }

  private String randomToken() {
    return SecretTokens.generate(random);
  }

  static String hash(String token) {
    return SecretTokens.hash(token);
  }

  private ActiveSession active(LoginSession s) {
    return new ActiveSession(
        s.idHash(),
        s.accountId(),
        csrfToken(s),
        s.createdAt().toInstant(),
        s.expiresAt().toInstant());
  }
}
