package org.cmsbroker.oidc;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.crypto.SecretTokens;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.session.SessionService;

/**
 * Refresh tokens that rotate on every use: the used one is spent, a new one of the same family is
 * issued. Presenting a spent token again means it was stolen or copied: the whole family is
 * revoked. A refresh token lives only as long as its login session (idle and absolute timeouts),
 * and ends with it. Also keeps the access-token revocation list.
 */
@Stateless
public class RefreshTokens {
  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Inject SessionService sessions;
  @Inject SecurityEvents events;
  @Inject SecureRandom random;

  @Inject Clock clock;

  /** How a refresh went. */
  public sealed interface Rotation {
    /** A new token for the same grant. */
    record Rotated(String token, String familyId, RefreshGrant grant) implements Rotation {}

    /** Unknown, expired, revoked, for another client, or its session has ended. */
    record Invalid() implements Rotation {}

    /** A spent token again: the family is now revoked. */
    record Reused() implements Rotation {}
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /** Issues the first token of a new family; returns {@code [token, familyId]}. */
  public String[] issue(RefreshGrant grant, Instant sessionExpiresAt) {
    String family = UUID.randomUUID().toString();
    return new String[] {store(grant, family, sessionExpiresAt), family};
  }

  private String store(RefreshGrant grant, String family, Instant expiresAt) {
    String token = SecretTokens.generate(random);
    em.persist(
        new RefreshToken(
            AuthorizationCodes.hash(token),
            family,
            grant,
            now(),
            expiresAt.atOffset(ZoneOffset.UTC)));
    return token;
  }

  /**
   * Spends {@code token} (of {@code clientId}) and issues its successor. Of any number of
   * concurrent uses of one token exactly one rotates it: the token is spent by one conditional
   * {@code UPDATE ... WHERE used_at IS NULL AND revoked_at IS NULL}, and only the use whose update
   * changed the row goes on. The others find it spent, like any later use: that is a reuse, and the
   * family is revoked (a stolen token raced against its owner cannot survive by winning).
   */
  public Rotation rotate(String token, String clientId) {
    if (token == null || token.length() != 43) {
      return new Rotation.Invalid();
    }
    String hash = AuthorizationCodes.hash(token);
    RefreshToken stored = em.find(RefreshToken.class, hash);
    if (stored == null || !stored.clientId().equals(clientId)) {
      return new Rotation.Invalid();
    }
    if (stored.revokedAt() != null) {
      return new Rotation.Invalid();
    }
    if (stored.usedAt() != null) {
      return reused(stored);
    }
    OffsetDateTime now = now();
    Optional<ActiveSession> session = sessions.findLive(stored.grant().sessionIdHash());
    if (!stored.expiresAt().isAfter(now) || session.isEmpty()) {
      return new Rotation.Invalid();
    }
    int spent =
        em.createQuery(
                "UPDATE RefreshToken t SET t.usedAt = :now WHERE t.tokenHash = :h"
                    + " AND t.usedAt IS NULL AND t.revokedAt IS NULL")
            .setParameter("now", now)
            .setParameter("h", hash)
            .executeUpdate();
    if (spent != 1) {
      // Another use spent (or revoked) it between our read and our update.
      return reused(stored);
    }
    String next = store(stored.grant(), stored.familyId(), session.get().expiresAt());
    return new Rotation.Rotated(next, stored.familyId(), stored.grant());
  }

  private Rotation reused(RefreshToken stored) {
    revokeFamily(stored.familyId());
    events.record(
        "refresh_token.reused",
        Outcome.REFUSED,
        stored.grant().accountId(),
        null,
        "family revoked");
    return new Rotation.Reused();
  }

  /** The family and grant of a token, for revocation and introspection; empty when unknown. */
  public Optional<RefreshToken> find(String token) {
    if (token == null || token.length() != 43) {
      return Optional.empty();
    }
    return Optional.ofNullable(em.find(RefreshToken.class, AuthorizationCodes.hash(token)));
  }

  /** Whether a refresh token is usable now (introspection). */
  public boolean isActive(String token, String clientId) {
    Optional<RefreshToken> stored = find(token);
    return stored.isPresent()
        && stored.get().clientId().equals(clientId)
        && stored.get().usedAt() == null
        && stored.get().revokedAt() == null
        && stored.get().expiresAt().isAfter(now())
        && sessions.isLive(stored.get().grant().sessionIdHash());
  }

  /** Revokes every token of a family. */
  public int revokeFamily(String familyId) {
    return em.createQuery(
            "UPDATE RefreshToken t SET t.revokedAt = :now WHERE t.familyId = :f AND t.revokedAt IS NULL")
        .setParameter("now", now())
        .setParameter("f", familyId)
        .executeUpdate();
  }

  /** Revokes every refresh token of a login session (logout, password change). */
  public int revokeForSession(String sessionIdHash) {
    return em.createQuery(
            "UPDATE RefreshToken t SET t.revokedAt = :now WHERE t.sessionIdHash = :s AND t.revokedAt IS NULL")
        .setParameter("now", now())
        .setParameter("s", sessionIdHash)
        .executeUpdate();
  }

  /** Notes that a login session handed tokens to a client (for back-channel logout). */
  public void linkSessionClient(String sessionIdHash, String clientId) {
    long existing =
        em.createQuery(
                "SELECT COUNT(l) FROM SessionClient l WHERE l.sessionIdHash = :s AND l.clientId = :c",
                Long.class)
            .setParameter("s", sessionIdHash)
            .setParameter("c", clientId)
            .getSingleResult();
    if (existing == 0) {
      em.persist(new SessionClient(sessionIdHash, clientId, now()));
    }
  }

  /** The clients a login session handed tokens to. */
  public java.util.List<String> clientsOf(String sessionIdHash) {
    return em.createQuery(
            "SELECT l.clientId FROM SessionClient l WHERE l.sessionIdHash = :s", String.class)
        .setParameter("s", sessionIdHash)
        .getResultList();
  }

  /** Puts an access token on the revocation list until it expires. */
  public void revokeAccessToken(String jti, Instant expiresAt) {
    if (em.find(RevokedAccessToken.class, jti) == null) {
      em.persist(new RevokedAccessToken(jti, expiresAt.atOffset(ZoneOffset.UTC)));
    }
  }

  /** Whether an access token was revoked. */
  public boolean isAccessTokenRevoked(String jti) {
    return jti != null && em.find(RevokedAccessToken.class, jti) != null;
  }

  /** Deletes revocation entries of tokens that have expired anyway. */
  public int purgeExpired() {
    return em.createQuery("DELETE FROM RevokedAccessToken r WHERE r.expiresAt < :now")
        .setParameter("now", now())
        .executeUpdate();
  }
}
