package org.cmsbroker.admin;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.List;
import org.cmsbroker.client.ClientException;
import org.cmsbroker.client.ClientRegistration;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.ClientUpdate;
import org.cmsbroker.client.NewClient;
import org.cmsbroker.client.RegisteredClient;

/** {@link ClientAdministration} through the client service. */
@Stateless
public class DefaultClientAdministration implements ClientAdministration {
  @Inject ClientService clients;

  @Override
  public ClientRegistration register(NewClient client) throws ClientException {
    return clients.register(client);
  }

  @Override
  public List<RegisteredClient> list() {
    return clients.list();
  }

  @Override
  public RegisteredClient update(String clientId, ClientUpdate update) throws ClientException {
    return clients.update(clientId, update);
  }

  @Override
  public String rotateSecret(String clientId) throws ClientException {
    return clients.rotateSecret(clientId);
  }

  @Override
  public String rotateCallbackSecret(String clientId) throws ClientException {
    return clients.rotateCallbackSecret(clientId);
  }

  @Override
  public void setCiviCrmCredentials(String clientId, String apiKey, String siteKey)
      throws ClientException {
    clients.setCiviCrmCredentials(clientId, apiKey, siteKey);
  }

  @Override
  public void setCiviCrmTimeZone(String clientId, String zone) throws ClientException {
    clients.setCiviCrmTimeZone(clientId, zone);
  }

  @Override
  public void remove(String clientId) throws ClientException {
    clients.remove(clientId);
  }
}
