package org.cmsbroker.admin;

import java.util.List;
import org.cmsbroker.client.ClientException;
import org.cmsbroker.client.ClientRegistration;
import org.cmsbroker.client.ClientUpdate;
import org.cmsbroker.client.NewClient;
import org.cmsbroker.client.RegisteredClient;

/**
 * What the admin commands may do to OpenID Connect clients. Each operation is one transaction and
 * records its security event. Secrets are returned once, to be shown once; implementations never
 * log them.
 */
public interface ClientAdministration {

  /** Registers a client; a confidential one comes back with its new secret. */
  ClientRegistration register(NewClient client) throws ClientException;

  /** All clients, by client id. */
  List<RegisteredClient> list();

  /** Replaces the fields the update gives. */
  RegisteredClient update(String clientId, ClientUpdate update) throws ClientException;

  /** Gives a confidential client a new secret; the old one stops working. */
  String rotateSecret(String clientId) throws ClientException;

  /** Gives a client a new Standard Webhooks callback secret ({@code whsec_}), returned once. */
  String rotateCallbackSecret(String clientId) throws ClientException;

  /** Stores the CiviCRM API key and optional site key (null for none) of a civicrm client. */
  void setCiviCrmCredentials(String clientId, String apiKey, String siteKey) throws ClientException;

  /** Sets the time zone (an IANA id such as Europe/Berlin) of a client's CiviCRM site. */
  void setCiviCrmTimeZone(String clientId, String zone) throws ClientException;

  /** Removes a client. */
  void remove(String clientId) throws ClientException;
}
