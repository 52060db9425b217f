package org.cmsbroker.login;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.cmsbroker.grid.Grid;
import org.cmsbroker.grid.GridCodec;
import org.cmsbroker.grid.GridMap;

/**
 * A {@link ChallengeStore} in the data grid, shared by every instance: a consumed challenge is an
 * entry that lives until the challenge expires, and {@code putIfAbsent} decides across the grid who
 * consumed it first. The grid never reports {@link Outcome#FULL}: its entries are bounded by their
 * five-minute lifetime and the login throttle. Thread-safe.
 */
public final class GridChallengeStore implements ChallengeStore {
  private static final GridCodec<Instant> EXPIRY =
      new GridCodec<>() {
        @Override
        public void write(Instant value, DataOutputStream out) throws IOException {
          GridCodec.writeInstant(out, value);
        }

        @Override
        public Instant read(DataInputStream in) throws IOException {
          return GridCodec.readInstant(in);
        }
      };

  private final GridMap<Instant> consumed;

  public GridChallengeStore(Grid grid) {
    this.consumed = grid.map("login-challenges-consumed", EXPIRY);
  }

  @Override
  public Outcome consume(String challengeId, Instant expiresAt, Instant now) {
    // A second beyond the expiry, so the entry outlives every clock that still accepts it.
    Duration ttl = Duration.between(now, expiresAt).plusSeconds(1);
    return consumed.putIfAbsent(challengeId, expiresAt, ttl)
        ? Outcome.CONSUMED
        : Outcome.ALREADY_CONSUMED;
  }

  @Override
  public void purgeExpired(Instant now) {
    // Entries expire by themselves.
  }

  @Override
  public int size() {
    return consumed.size();
  }
}
