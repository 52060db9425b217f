package org.cmsbroker.login;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link LoginKeyStore} in this JVM's memory: for tests and single-instance use. */
public final class InMemoryLoginKeyStore implements LoginKeyStore {

  private final Map<String, LoginKey> keys = new ConcurrentHashMap<>();

  @Override
  public List<LoginKey> findAll() {
    return List.copyOf(keys.values());
  }

  @Override
  public void add(LoginKey key) {
    keys.put(key.keyId(), key);
  }

  @Override
  public void remove(String keyId) {
    keys.remove(keyId);
  }
}
