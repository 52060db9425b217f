package org.cmsbroker.oidc;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.PlainClientSecret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;

/**
 * Client authentication at the token, introspection and revocation endpoints: {@code
 * client_secret_basic} or {@code client_secret_post} for confidential clients; a public client only
 * names itself (token endpoint, with PKCE).
 */
@ApplicationScoped
public class ClientAuthenticator {
  @Inject ClientService clients;

  public AuthenticatedClient authenticate(
      ClientAuthentication authentication, ClientID named, boolean allowPublic) {
    if (authentication instanceof PlainClientSecret secret) {
      Optional<RegisteredClient> client =
          clients.authenticate(
              secret.getClientID().getValue(), secret.getClientSecret().getValue());
      return client
          .map(c -> new AuthenticatedClient(c, null, false))
          .orElseGet(
              () ->
                  new AuthenticatedClient(
                      null,
                      OAuth2Error.INVALID_CLIENT,
                      ClientAuthenticationMethod.CLIENT_SECRET_BASIC.equals(
                          authentication.getMethod())));
    }
    if (authentication != null) {
      return new AuthenticatedClient(
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
        return new AuthenticatedClient(client.get(), null, false);
      }
    }
    return new AuthenticatedClient(null, OAuth2Error.INVALID_CLIENT, false);
  }
}
