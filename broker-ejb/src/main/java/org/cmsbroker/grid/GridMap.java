package org.cmsbroker.grid;

import com.hazelcast.map.IMap;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * One map of short-lived state in the data grid, as the broker uses it: entry names are HMACs of
 * the broker's keys, values are sealed bytes ({@link GridCipher}), and every entry is written with
 * a time to live. The operations that decide races are Hazelcast's own atomic ones: {@link
 * #putIfAbsent} ({@code IMap.putIfAbsent}), {@link #remove} ({@code IMap.remove}, which returns the
 * value to exactly one caller) and {@link #update} (a compare-and-set loop over {@code
 * IMap.replace(key, old, new)} and {@code IMap.remove(key, old)}). A value that fails
 * authentication is treated as absent (and logged once per occurrence, without data). Thread-safe.
 *
 * @param <V> the value type
 */
public final class GridMap<V> {
  private static final Logger LOG = Logger.getLogger(GridMap.class.getName());

  /** Compare-and-set attempts before {@link #update} gives up: contention on one key is rare. */
  static final int MAX_ATTEMPTS = 64;

  private final IMap<String, byte[]> map;
  private final String mapName;
  private final GridCipher cipher;
  private final GridCodec<V> codec;

  GridMap(IMap<String, byte[]> map, GridCipher cipher, GridCodec<V> codec) {
    this.map = Objects.requireNonNull(map, "map");
    this.mapName = map.getName();
    this.cipher = Objects.requireNonNull(cipher, "cipher");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /** The value under {@code key}, if there is one (and it is authentic). */
  public Optional<V> get(String key) {
    String name = cipher.name(mapName, key);
    return open(name, map.get(name));
  }

  /**
   * Stores {@code value} under {@code key} for {@code ttl} unless there is a value already; atomic
   * across the grid.
   *
   * @return true if this call stored it
   */
  public boolean putIfAbsent(String key, V value, Duration ttl) {
    String name = cipher.name(mapName, key);
    return map.putIfAbsent(name, seal(name, value), seconds(ttl), TimeUnit.SECONDS) == null;
  }

  /** Stores {@code value} under {@code key} for {@code ttl}, replacing any. */
  public void put(String key, V value, Duration ttl) {
    String name = cipher.name(mapName, key);
    map.set(name, seal(name, value), seconds(ttl), TimeUnit.SECONDS);
  }

  /**
   * Removes the value under {@code key} and returns it; of concurrent callers anywhere in the grid
   * only one gets it.
   */
  public Optional<V> remove(String key) {
    String name = cipher.name(mapName, key);
    return open(name, map.remove(name));
  }

  /** Removes the value under {@code key}, if any. */
  public void delete(String key) {
    map.delete(cipher.name(mapName, key));
  }

  /**
   * Replaces the value under {@code key} by {@code change} applied to it, atomically: {@code
   * change} gets the current value (empty if none) and returns the new one, or empty to remove the
   * entry. It may be called more than once when another member changed the entry meanwhile, so it
   * must not have effects beyond its result; the result of its last call is what was stored. The
   * entry lives {@code ttl} from this write.
   *
   * @return the value now stored (empty if removed or still absent)
   * @throws IllegalStateException if the entry changed under every one of {@link #MAX_ATTEMPTS}
   *     attempts
   */
  public Optional<V> update(String key, Function<Optional<V>, Optional<V>> change, Duration ttl) {
    String name = cipher.name(mapName, key);
    long seconds = seconds(ttl);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      byte[] old = map.get(name);
      Optional<V> next = change.apply(open(name, old));
      if (next.isEmpty()) {
        if (old == null || map.remove(name, old)) {
          return next;
        }
        continue;
      }
      byte[] sealed = seal(name, next.get());
      if (old == null) {
        if (map.putIfAbsent(name, sealed, seconds, TimeUnit.SECONDS) == null) {
          return next;
        }
      } else if (map.replace(name, old, sealed)) {
        // replace() keeps no time to live of its own: set this write's.
        map.setTtl(name, seconds, TimeUnit.SECONDS);
        return next;
      }
    }
    throw new IllegalStateException("Data grid entry of " + mapName + " kept changing");
  }

  /** Number of entries in the whole map (a cluster-wide call: for tests and status only). */
  public int size() {
    return map.size();
  }

  private byte[] seal(String name, V value) {
    return cipher.seal(mapName, name, codec.encode(value));
  }

  private Optional<V> open(String name, byte[] sealed) {
    if (sealed == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(codec.decode(cipher.open(mapName, name, sealed)));
    } catch (GridIntegrityException | IOException e) {
      LOG.warning(
          () ->
              "A value in data grid map "
                  + mapName
                  + " failed authentication or could not be read; treated as absent");
      return Optional.empty();
    }
  }

  /** Whole seconds, at least one (0 would mean "forever" to Hazelcast). */
  private static long seconds(Duration ttl) {
    return Math.max(1, (ttl.toMillis() + 999) / 1000);
  }
}
