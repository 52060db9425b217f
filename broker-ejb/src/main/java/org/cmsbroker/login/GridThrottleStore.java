package org.cmsbroker.login;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.cmsbroker.grid.Grid;
import org.cmsbroker.grid.GridCodec;
import org.cmsbroker.grid.GridMap;

/**
 * A {@link ThrottleStore} in the data grid, so failed logins count on every instance alike: {@link
 * #update} is a compare-and-set on the grid entry, and each write gives the history {@code
 * timeToLive} more to live (the throttle's window and a margin), which replaces {@link
 * #purgeIdleSince}. Thread-safe.
 */
public final class GridThrottleStore implements ThrottleStore {
  /** Most failures a history keeps; the throttle keeps at most its limit per account (100). */
  private static final int MAX_FAILURES = 1000;

  static final GridCodec<FailureHistory> CODEC =
      new GridCodec<>() {
        @Override
        public void write(FailureHistory h, DataOutputStream out) throws IOException {
          out.writeInt(h.consecutiveFailures());
          GridCodec.writeInstant(out, h.lastFailure());
          out.writeInt(h.recentFailures().size());
          for (Instant t : h.recentFailures()) {
            GridCodec.writeInstant(out, t);
          }
          out.writeInt(h.inFlight());
          GridCodec.writeInstant(out, h.inFlightSince());
        }

        @Override
        public FailureHistory read(DataInputStream in) throws IOException {
          int streak = in.readInt();
          Instant last = GridCodec.readInstant(in);
          int n = in.readInt();
          if (n < 0 || n > MAX_FAILURES) {
            throw new IOException("Bad failure count");
          }
          List<Instant> recent = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            recent.add(GridCodec.readInstant(in));
          }
          int inFlight = in.readInt();
          Instant since = GridCodec.readInstant(in);
          return new FailureHistory(streak, last, recent, inFlight, since);
        }
      };

  private final GridMap<FailureHistory> histories;
  private final Duration timeToLive;

  /**
   * @param timeToLive how long a history lives after its latest change: at least the throttle's
   *     window
   */
  public GridThrottleStore(Grid grid, Duration timeToLive) {
    this.histories = grid.map("login-throttle", CODEC);
    this.timeToLive = timeToLive;
  }

  @Override
  public Optional<FailureHistory> find(String key) {
    return histories.get(key);
  }

  @Override
  public FailureHistory update(String key, UnaryOperator<FailureHistory> change) {
    return histories
        .update(key, old -> Optional.of(change.apply(old.orElse(FailureHistory.NONE))), timeToLive)
        .orElseThrow();
  }

  @Override
  public void remove(String key) {
    histories.delete(key);
  }

  @Override
  public void purgeIdleSince(Instant cutoff) {
    // Histories expire by themselves, timeToLive after their latest change.
  }
}
