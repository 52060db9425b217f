package org.cmsbroker.login;

import java.time.Instant;

/**
 * Where issued challenges wait to be used. Implementations are thread-safe, and {@link #consume} is
 * atomic: of any number of concurrent calls for one challenge, exactly one gets {@link
 * Outcome#CONSUMED} (across the cluster, for a shared implementation).
 */
public interface ChallengeStore {

  /** What {@link #consume} found. */
  enum Outcome {
    /** It was issued, unexpired and unused; it is now used. */
    CONSUMED,
    /** Never issued, or forgotten since. */
    UNKNOWN,
    /** Issued, but past its expiry. */
    EXPIRED,
    /** Issued and already used: a replay. */
    ALREADY_CONSUMED
  }

  /** Records a newly issued challenge. */
  void add(String challenge, Instant expiresAt);

  /** Marks the challenge used if it is known, unused and not expired at {@code now}. */
  Outcome consume(String challenge, Instant now);

  /** Forgets challenges that expired before {@code now}, used or not. */
  void purgeExpired(Instant now);
}
