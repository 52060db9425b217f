package org.cmsbroker.grid;

import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The data grid as the broker uses it: maps of sealed short-lived state ({@link #map}) and change
 * signals between instances ({@link #publish}, {@link #subscribe}). Every map the broker makes is
 * named {@code cmsbroker.<name>} and has a one-day time to live as a backstop (each entry is
 * written with its own, shorter one). Thread-safe.
 */
public final class Grid {
  private static final Logger LOG = Logger.getLogger(Grid.class.getName());

  /** Prefix of every map and topic the broker makes in the grid. */
  public static final String PREFIX = "cmsbroker.";

  /** Backstop time to live of every entry, should a write's own be lost. */
  static final int BACKSTOP_TTL_SECONDS = 24 * 3600;

  private final HazelcastInstance hazelcast;
  private final GridCipher cipher;

  /**
   * @param hazelcast a running member whose cluster name was derived from the same secret as {@code
   *     cipher}'s keys
   */
  public Grid(HazelcastInstance hazelcast, GridCipher cipher) {
    this.hazelcast = Objects.requireNonNull(hazelcast, "hazelcast");
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    try {
      hazelcast
          .getConfig()
          .addMapConfig(
              new MapConfig(PREFIX + "*")
                  .setTimeToLiveSeconds(BACKSTOP_TTL_SECONDS)
                  .setBackupCount(1));
    } catch (RuntimeException e) {
      // Another member added the same configuration first, or a different one: entries still
      // carry their own time to live.
      LOG.fine(() -> "Data grid map configuration not added: " + e.getClass().getSimpleName());
    }
  }

  /** The broker's map {@code name} ({@code cmsbroker.<name>} in the grid) of values {@code V}. */
  public <V> GridMap<V> map(String name, GridCodec<V> codec) {
    return new GridMap<>(hazelcast.getMap(PREFIX + name), cipher, codec);
  }

  /**
   * Tells every instance (this one too) that {@code channel} changed, for example that a key was
   * added to the database. A signal carries no data: receivers re-read what they need from the
   * database, so a forged one costs at most a read.
   */
  public void publish(String channel) {
    topic(channel).publish(Boolean.TRUE);
  }

  /** Runs {@code action} on a grid thread whenever {@code channel} is {@link #publish}ed. */
  public void subscribe(String channel, Runnable action) {
    topic(channel).addMessageListener(message -> action.run());
  }

  private ITopic<Boolean> topic(String channel) {
    return hazelcast.getTopic(PREFIX + channel);
  }

  /** Number of members the grid has now, this one included. */
  public int memberCount() {
    return hazelcast.getCluster().getMembers().size();
  }

  /** The cluster name the member runs under. */
  public String clusterName() {
    return hazelcast.getConfig().getClusterName();
  }
}
