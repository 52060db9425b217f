package org.cmsbroker.oidc;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.cmsbroker.grid.Grid;
import org.cmsbroker.grid.GridCodec;
import org.cmsbroker.grid.GridMap;

/**
 * Pending authorizations in the data grid, so a sign-in asked on one instance resumes on another.
 * Each entry lives until its expiry; {@link #take} is the grid's atomic remove, so only one caller
 * anywhere gets an entry. Thread-safe.
 */
public final class GridPendingAuthorizationStore implements PendingAuthorizationStore {
  static final GridCodec<PendingAuthorization> CODEC =
      new GridCodec<>() {
        @Override
        public void write(PendingAuthorization p, DataOutputStream out) throws IOException {
          GridCodec.writeString(out, p.id());
          GridCodec.writeString(out, p.browserBindingHash());
          GridCodec.writeString(out, p.clientId());
          GridCodec.writeString(out, p.request());
          GridCodec.writeInstant(out, p.askedAt());
          GridCodec.writeString(out, p.staleSessionIdHash());
          GridCodec.writeInstant(out, p.expiresAt());
        }

        @Override
        public PendingAuthorization read(DataInputStream in) throws IOException {
          try {
            return new PendingAuthorization(
                GridCodec.readString(in),
                GridCodec.readString(in),
                GridCodec.readString(in),
                GridCodec.readString(in),
                GridCodec.readInstant(in),
                GridCodec.readString(in),
                GridCodec.readInstant(in));
          } catch (NullPointerException e) {
            throw new IOException("Incomplete pending authorization");
          }
        }
      };

  private final GridMap<PendingAuthorization> entries;
  private final Clock clock;

  public GridPendingAuthorizationStore(Grid grid, Clock clock) {
    this.entries = grid.map("pending-authorizations", CODEC);
    this.clock = clock;
  }

  @Override
  public void put(PendingAuthorization pending) {
    Duration ttl = Duration.between(clock.instant(), pending.expiresAt());
    if (ttl.isNegative() || ttl.isZero()) {
      return;
    }
    entries.put(pending.id(), pending, ttl);
  }

  @Override
  public Optional<PendingAuthorization> find(String id) {
    return id == null ? Optional.empty() : entries.get(id).filter(this::unexpired);
  }

  @Override
  public Optional<PendingAuthorization> take(String id) {
    return id == null ? Optional.empty() : entries.remove(id).filter(this::unexpired);
  }

  private boolean unexpired(PendingAuthorization p) {
    return p.expiresAt().isAfter(clock.instant());
  }
}
