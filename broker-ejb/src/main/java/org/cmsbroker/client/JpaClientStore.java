package org.cmsbroker.client;

import jakarta.ejb.Local;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

/** Clients in the database; joins the caller's transaction. */
@Stateless
@Local(ClientStore.class)
public class JpaClientStore implements ClientStore {
  @PersistenceContext(unitName = "broker")
  EntityManager em;

  @Override
  public Optional<OAuthClient> find(String clientId) {
    return Optional.ofNullable(clientId == null ? null : em.find(OAuthClient.class, clientId));
  }

  @Override
  public List<OAuthClient> findAll() {
    return em.createQuery("SELECT c FROM OAuthClient c ORDER BY c.clientId", OAuthClient.class)
        .getResultList();
  }

  @Override
  public void add(OAuthClient client) {
    em.persist(client);
    em.flush();
  }

  @Override
  public void remove(OAuthClient client) {
    em.remove(client);
  }
}
