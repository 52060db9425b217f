package org.cmsbroker.web.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.PlainClientSecret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.util.Optional;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;

/**
 * Client authentication at the token, introspection and revocation endpoints: {@code
 * client_secret_basic} or {@code client_secret_post} for confidential clients; a public client only
 * names itself (token endpoint, with PKCE).
 */
final class OAuthClients {
  private OAuthClients() {}

  /** The outcome: the client, or the error to answer with. */
  record Authenticated(RegisteredClient client, ErrorObject error, boolean basic) {
    boolean ok() {
      return client != null;
    }
  }

  static Authenticated authenticate(
      ClientService clients,
      ClientAuthentication authentication,
      ClientID named,
      boolean allowPublic) {
    if (authentication instanceof PlainClientSecret secret) {
      Optional<RegisteredClient> client =
          clients.authenticate(
              secret.getClientID().getValue(), secret.getClientSecret().getValue());
      return client
          .map(c -> new Authenticated(c, null, false))
          .orElseGet(
              () ->
                  new Authenticated(
                      null,
                      OAuth2Error.INVALID_CLIENT,
                      authentication.getMethod().getValue().equals("client_secret_basic")));
    }
    if (authentication != null) {
      return new Authenticated(
          null,
          OAuth2Error.INVALID_CLIENT.setDescription("Unsupported client authentication method"),
          false);
    }
    if (allowPublic && named != null) {
      Optional<RegisteredClient> client =
          clients
              .find(named.getValue())
              .filter(RegisteredClient::enabled)
              .filter(RegisteredClient::isPublic);
      if (client.isPresent()) {
        return new Authenticated(client.get(), null, false);
      }
    }
    return new Authenticated(null, OAuth2Error.INVALID_CLIENT, false);
  }
}
