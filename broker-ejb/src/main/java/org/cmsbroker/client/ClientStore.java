package org.cmsbroker.client;

import java.util.List;
import java.util.Optional;

/**
 * Where registered clients live. Entities returned are live: changes to them are stored when the
 * caller's transaction commits (the JPA store) or at once (an in-memory store for tests).
 */
public interface ClientStore {

  /** The client with this id (exact, case-sensitive), if any. */
  Optional<OAuthClient> find(String clientId);

  /** Every client, by client id. */
  List<OAuthClient> findAll();

  /** Stores a new client. */
  void add(OAuthClient client);

  /** Removes a client. */
  void remove(OAuthClient client);
}
