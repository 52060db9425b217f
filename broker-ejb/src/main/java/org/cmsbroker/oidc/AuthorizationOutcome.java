package org.cmsbroker.oidc;

import com.nimbusds.oauth2.sdk.AuthorizationResponse;

/** What an authorization request (or its resumption after login) comes to. */
public sealed interface AuthorizationOutcome {

  /**
   * Nothing may go to the client (unknown or disabled client, unregistered redirect URI, a pending
   * authorization that expired or belongs to another browser): a page for the person.
   */
  record Refused(String message) implements AuthorizationOutcome {}

  /**
   * The person must log in first; the login page brings them back to {@code
   * /oauth2/authorize?resume=pendingId}. {@code force}: the browser has a session, which does not
   * count (the form is shown anyway).
   */
  record LoginNeeded(String pendingId, boolean force) implements AuthorizationOutcome {}

  /** An answer for the client at its redirect URI (a code or an error), in its response mode. */
  record Respond(AuthorizationResponse response) implements AuthorizationOutcome {}
}
