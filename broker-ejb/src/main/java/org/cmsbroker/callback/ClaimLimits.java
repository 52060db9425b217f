package org.cmsbroker.callback;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How many callback messages one {@link CallbackOutbox#claimDue claim} may lease: {@code total} in
 * all, and per client at most its {@code room}, or {@code perClient} for a client not named there.
 * A client whose room is 0 (its endpoint is busy or backing off) is not even considered, so its
 * backlog cannot crowd out the others'.
 *
 * @param total 1 to 100
 * @param perClient at least 1: the room of a client not in {@code room}
 * @param room the room of particular clients, each at least 0
 */
public record ClaimLimits(int total, int perClient, Map<String, Integer> room) {
  public ClaimLimits {
    if (total < 1 || total > 100) {
      throw new IllegalArgumentException("total must be 1 to 100");
    }
    if (perClient < 1) {
      throw new IllegalArgumentException("perClient must be at least 1");
    }
    room = Map.copyOf(room);
    if (room.values().stream().anyMatch(r -> r < 0)) {
      throw new IllegalArgumentException("room must not be negative");
    }
  }

  /** At most {@code max} messages, with no limit per client beyond that. */
  public static ClaimLimits of(int max) {
    return new ClaimLimits(max, max, Map.of());
  }

  /** How many messages of {@code clientId} may be leased. */
  public int roomOf(String clientId) {
    return room.getOrDefault(clientId, perClient);
  }

  /** The clients with no room at all. */
  Set<String> closed() {
    return room.entrySet().stream()
        .filter(e -> e.getValue() == 0)
        .map(Map.Entry::getKey)
        .collect(Collectors.toUnmodifiableSet());
  }
}
