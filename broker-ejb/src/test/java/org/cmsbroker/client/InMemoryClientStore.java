package org.cmsbroker.client;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Clients in a map, for tests. Not thread-safe. */
final class InMemoryClientStore implements ClientStore {
  final Map<String, OAuthClient> clients = new TreeMap<>();

  @Override
  public Optional<OAuthClient> find(String clientId) {
    return Optional.ofNullable(clients.get(clientId));
  }

  @Override
  public List<OAuthClient> findAll() {
    List<OAuthClient> all = new ArrayList<>(clients.values());
    all.sort(Comparator.comparing(OAuthClient::clientId));
    return all;
  }

  @Override
  public void add(OAuthClient client) {
    if (clients.putIfAbsent(client.clientId(), client) != null) {
      throw new IllegalStateException("duplicate key " + client.clientId());
    }
  }

  @Override
  public void remove(OAuthClient client) {
    clients.remove(client.clientId());
  }
}
