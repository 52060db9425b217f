package org.cmsbroker.token;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link SigningKeyStore} in this JVM's memory: for tests. */
public final class InMemorySigningKeyStore implements SigningKeyStore {

  private final Map<String, SigningKey> keys = new ConcurrentHashMap<>();

  @Override
  public List<SigningKey> findAll() {
    return List.copyOf(keys.values());
  }

  @Override
  public void add(SigningKey key) {
    keys.put(key.keyId(), key);
  }

  @Override
  public void remove(String keyId) {
    keys.remove(keyId);
  }
}
