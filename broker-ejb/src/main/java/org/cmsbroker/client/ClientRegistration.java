package org.cmsbroker.client;

/**
 * The outcome of registering a client: the client and, for a confidential client, its secret. The
 * secret exists only here; the broker keeps its hash. Show it once and drop it.
 *
 * @param client the registered client
 * @param secret the new secret, or null for a public client
 */
public record ClientRegistration(RegisteredClient client, String secret) {

  @Override
  public String toString() {
    return "ClientRegistration[client="
        + client.clientId()
        + ", secret="
        + (secret == null ? "none" : "***")
        + "]";
  }
}
