package org.cmsbroker.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The data keys under which confidential fields are encrypted: random AES-256 keys, each with an
 * id, kept in a {@link DataKeyStore} wrapped by a key derived from the master key. The newest is
 * the current one, used for every new write; every known key is accepted for reading. The first key
 * is made on first use. Thread-safe.
 *
 * <p>Keys are cached; the cache is reloaded when a value names a key it does not know, and at least
 * every {@link #REFRESH}, so that instances sharing a database take up a key another instance made.
 */
public final class DataKeys {
  /** How long the current key is trusted before the store is asked again. */
  public static final Duration REFRESH = Duration.ofSeconds(10);

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int KEY_BYTES = 32;

  private final SecretKey wrappingKey;
  private final DataKeyStore store;
  private final SecureRandom random;
  private final Clock clock;
  private volatile Ring ring;

  /** The keys known at one moment, and which one is current. */
  private record Ring(
      Map<String, SecretKey> keys, String current, Instant newestAt, Instant loadedAt) {}

  /** A data key, for the cipher. */
  record Key(String id, SecretKey key) {}

  public DataKeys(MasterKey masterKey, DataKeyStore store, SecureRandom random, Clock clock) {
    this.wrappingKey = masterKey.aesKey("data-key-wrapping/v1");
    this.store = store;
    this.random = random;
    this.clock = clock;
  }

  public DataKeys(MasterKey masterKey, DataKeyStore store, SecureRandom random) {
    this(masterKey, store, random, Clock.systemUTC());
  }

  /** The key for new writes, made when there is none yet. */
  Key current() {
    Ring r = ring;
    if (r == null || r.loadedAt().plus(REFRESH).isBefore(clock.instant())) {
      r = reload();
    }
    if (r.current() == null) {
      add();
      r = reload();
    }
    return new Key(r.current(), r.keys().get(r.current()));
  }

  /** The key with this id; empty when the store does not have it either. */
  Optional<SecretKey> find(String id) {
    Ring r = ring;
    if (r == null || !r.keys().containsKey(id)) {
      r = reload();
    }
    return Optional.ofNullable(r.keys().get(id));
  }

  /** The id of the current key, made when there is none yet. */
  public String currentId() {
    return current().id();
  }

  /** The ids of every known key. */
  public Set<String> ids() {
    return Set.copyOf(reload().keys().keySet());
  }

  /**
   * Makes a new key, current from now on for this instance (and for other instances within {@link
   * #REFRESH}).
   *
   * @return its id
   */
  public synchronized String rotate() {
    String id = add();
    Ring r = reload();
    if (!id.equals(r.current())) {
      // Two keys made in the same instant elsewhere: the store's order decides, as everywhere.
      return r.current();
    }
    return id;
  }

  private synchronized String add() {
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    String id = SecretTokens.randomId("dk_", 9, random);
    try {
      // Later than every key known, so that the new one is the newest even with a coarse clock;
      // microseconds, as both databases keep them.
      Ring r = reload();
      Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
      if (r.newestAt() != null && !now.isAfter(r.newestAt())) {
        now = r.newestAt().plus(1, ChronoUnit.MICROS);
      }
      store.add(new StoredDataKey(id, wrap(id, key), now));
      return id;
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private synchronized Ring reload() {
    Map<String, SecretKey> keys = new HashMap<>();
    StoredDataKey newest = null;
    Comparator<StoredDataKey> order =
        Comparator.comparing(StoredDataKey::createdAt).thenComparing(StoredDataKey::id);
    for (StoredDataKey stored : store.all()) {
      keys.put(stored.id(), new SecretKeySpec(unwrap(stored.id(), stored.wrapped()), "AES"));
      if (newest == null || order.compare(stored, newest) > 0) {
        newest = stored;
      }
    }
    Ring r =
        newest == null
            ? new Ring(Map.of(), null, null, clock.instant())
            : new Ring(Map.copyOf(keys), newest.id(), newest.createdAt(), clock.instant());
    ring = r;
    return r;
  }

  private static byte[] aad(String id) {
    return ("data-key\u0000" + id).getBytes(StandardCharsets.UTF_8);
  }

  private String wrap(String id, byte[] key) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, wrappingKey, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(id));
      byte[] sealed = cipher.doFinal(key);
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  private byte[] unwrap(String id, String wrapped) {
    try {
      byte[] all = Base64.getUrlDecoder().decode(wrapped);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, wrappingKey, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      cipher.updateAAD(aad(id));
      byte[] key = cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
      if (key.length != KEY_BYTES) {
        throw new IllegalStateException("data key " + id + " has the wrong length");
      }
      return key;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "data key " + id + " cannot be unwrapped (altered, or another master key)");
    }
  }
}
