package org.cmsbroker.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;
import org.cmsbroker.client.RegisteredClient;

/**
 * The outcome of client authentication: the client, or the error to answer with ({@code
 * basicChallenge}: the client tried HTTP Basic, so the 401 carries a {@code WWW-Authenticate}).
 */
public record AuthenticatedClient(
    RegisteredClient client, ErrorObject error, boolean basicChallenge) {
  public boolean ok() {
    return client != null;
  }
}
