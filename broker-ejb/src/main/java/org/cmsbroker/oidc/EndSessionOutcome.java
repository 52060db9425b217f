package org.cmsbroker.oidc;

import java.net.URI;

/** What an RP-initiated logout request comes to. */
public sealed interface EndSessionOutcome {

  /**
   * The person must confirm (no valid {@code id_token_hint} for this session, or a {@code
   * post_logout_redirect_uri} that is not registered). The page posts back these values and its
   * CSRF token.
   *
   * @param siteName the client's display name, or null when no client is known
   * @param clientId the client, or null
   * @param postLogoutRedirectUri as the client sent it, or null
   * @param state as the client sent it, or null
   */
  record Confirm(String siteName, String clientId, String postLogoutRedirectUri, String state)
      implements EndSessionOutcome {}

  /**
   * Signed out (or there was no session). {@code redirect}: the registered post-logout URI with the
   * state; null: the broker's own signed-out page ({@code unregisteredRedirect}: the site asked for
   * an address it has not registered, which the page says).
   */
  record SignedOut(boolean sessionEnded, URI redirect, boolean unregisteredRedirect)
      implements EndSessionOutcome {}
}
