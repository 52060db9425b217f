package org.cmsbroker.login;

import java.time.Instant;

/**
 * Where consumed login challenges are remembered until they expire, so each is accepted once.
 * Issued challenges are not stored at all (they carry their own MAC and expiry, see {@link
 * LoginChallenges}), so what a store holds is bounded by the logins actually submitted, and a store
 * has a hard capacity on top. Implementations are thread-safe, and {@link #consume} is atomic: of
 * any number of concurrent calls for one challenge, exactly one gets {@link Outcome#CONSUMED}
 * (across the cluster, for a shared implementation).
 */
public interface ChallengeStore {

  /** What {@link #consume} did. */
  enum Outcome {
    /** Not seen before: it is now remembered as used until it expires. */
    CONSUMED,
    /** Used before: a replay. */
    ALREADY_CONSUMED,
    /** The store is full of unexpired consumed challenges: refuse the login, do not grow. */
    FULL
  }

  /**
   * Marks {@code challengeId} used, remembering it until {@code expiresAt}, unless it already is or
   * there is no room even after forgetting what expired before {@code now}.
   */
  Outcome consume(String challengeId, Instant expiresAt, Instant now);

  /** Forgets consumed challenges that expired before {@code now}. */
  void purgeExpired(Instant now);

  /** Number of consumed challenges remembered now. */
  int size();
}
