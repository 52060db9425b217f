package org.cmsbroker.client;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.cmsbroker.callback.CallbackTarget;
import org.cmsbroker.callback.CallbackTargets;

/**
 * The callback targets of the client registry: a client's URL, format and decrypted credentials,
 * read afresh for every delivery so a changed URL or rotated secret applies to the next attempt.
 * Empty for an unknown, removed or disabled client, and for one without a URL or credentials.
 * Thread-safe.
 */
@ApplicationScoped
public class RegistryCallbackTargets implements CallbackTargets {
  @Inject ClientService clients;

  @Override
  public Optional<CallbackTarget> find(String clientId) {
    return clients.callbackTarget(clientId);
  }
}
