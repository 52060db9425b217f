package org.cmsbroker.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.AuthenticationErrorResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.OIDCError;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.crypto.SecretTokens;
import org.cmsbroker.session.ActiveSession;

/**
 * The authorization endpoint's decisions (OIDC Core 3.1.2, code flow). An unknown client or a
 * redirect URI that is not exactly registered is refused with a page, never a redirect; other
 * errors go back to the client. When a login is needed ({@code prompt=login}, {@code max_age}, no
 * session) the request waits on the server as a {@link PendingAuthorization} bound to the browser,
 * and only a login made after it was asked completes it: nothing the browser sends can mark a login
 * as fresh. {@code auth_time} is the time of the session's login.
 */
@Stateless
public class AuthorizationService {
  /** How long a person has to log in for a pending authorization. */
  public static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);

  @Inject ClientService clients;
  @Inject OidcComponents oidc;
  @Inject PendingAuthorizationStore pending;
  @Inject SecurityEvents events;
  @Inject BrokerConfig config;
  @Inject SecureRandom random;
  @Inject Clock clock;

  /**
   * A request that did not parse: an error for the client when its client and redirect URI are
   * known and registered, else a page.
   */
  public AuthorizationOutcome malformed(ParseException e) {
    Optional<RegisteredClient> client =
        Optional.ofNullable(e.getClientID())
            .flatMap(id -> clients.find(id.getValue()))
            .filter(RegisteredClient::enabled);
    if (client.isPresent()
        && e.getRedirectionURI() != null
        && client.get().hasRedirectUri(e.getRedirectionURI().toString())) {
      return new AuthorizationOutcome.Respond(
          new AuthenticationErrorResponse(
              e.getRedirectionURI(),
              e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject(),
              e.getState(),
              issuer(),
              AuthorizationRules.errorMode(e.getResponseMode())));
    }
    ErrorObject error = e.getErrorObject();
    return new AuthorizationOutcome.Refused(
        "The request from the site is not valid: "
            + (error == null || error.getDescription() == null
                ? "it is malformed."
                : error.getDescription() + "."));
  }

  /**
   * A new authentication request from the browser whose binding cookie is {@code browserBinding}
   * and whose live session (if any) is {@code session}.
   */
  public AuthorizationOutcome authorize(
      AuthenticationRequest request,
      Optional<ActiveSession> session,
      String browserBinding,
      String address) {
    Checked checked = check(request);
    if (checked.outcome() != null) {
      return checked.outcome();
    }
    Instant now = clock.instant();
    if (!AuthorizationRules.needsLogin(request, session.orElse(null), now)) {
      return issueCode(request, checked.client(), session.get(), address);
    }
    if (AuthorizationRules.silentOnly(request)) {
      return error(request, OIDCError.LOGIN_REQUIRED);
    }
    if (browserBinding == null || browserBinding.isEmpty()) {
      return new AuthorizationOutcome.Refused(
          "Your browser did not keep this service's cookie. Allow cookies for it and try again.");
    }
    String id = SecretTokens.generate(random);
    pending.put(
        new PendingAuthorization(
            id,
            SecretTokens.hash(browserBinding),
            checked.client().clientId(),
            request.toQueryString(),
            now,
            session.map(ActiveSession::idHash).orElse(null),
            now.plus(PENDING_LIFETIME)));
    return new AuthorizationOutcome.LoginNeeded(id, session.isPresent());
  }

  /**
   * The browser is back from the login page with a pending authorization's id: it completes only
   * for the browser it was bound to and with a login made after it was asked; else the person is
   * sent to log in again. A pending authorization completes once.
   */
  public AuthorizationOutcome resume(
      String pendingId, Optional<ActiveSession> session, String browserBinding, String address) {
    String bindingHash =
        browserBinding == null || browserBinding.isEmpty()
            ? null
            : SecretTokens.hash(browserBinding);
    Optional<PendingAuthorization> found =
        pending.find(pendingId).filter(p -> p.boundTo(bindingHash));
    if (found.isEmpty()) {
      return new AuthorizationOutcome.Refused(
          "This sign-in has expired or was started in another browser. Go back to the site and"
              + " sign in again.");
    }
    AuthenticationRequest request;
    try {
      request = AuthenticationRequest.parse(found.get().request());
    } catch (ParseException e) {
      pending.take(pendingId);
      return malformed(e);
    }
    Checked checked = check(request);
    if (checked.outcome() != null) {
      pending.take(pendingId);
      return checked.outcome();
    }
    if (session.isEmpty() || !found.get().satisfiedBy(session.get())) {
      return new AuthorizationOutcome.LoginNeeded(pendingId, session.isPresent());
    }
    if (pending.take(pendingId).isEmpty()) {
      return new AuthorizationOutcome.Refused(
          "This sign-in was already completed. Go back to the site.");
    }
    return issueCode(request, checked.client(), session.get(), address);
  }

  /** The enabled client a pending authorization is for (the login page names the site). */
  public Optional<RegisteredClient> pendingClient(String pendingId) {
    return pending
        .find(pendingId)
        .flatMap(p -> clients.find(p.clientId()))
        .filter(RegisteredClient::enabled);
  }

  private record Checked(RegisteredClient client, AuthorizationOutcome outcome) {}

  private Checked check(AuthenticationRequest request) {
    Optional<RegisteredClient> found =
        clients.find(request.getClientID().getValue()).filter(RegisteredClient::enabled);
    if (found.isEmpty()) {
      return new Checked(
          null,
          new AuthorizationOutcome.Refused(
              "The site that sent you here is not registered with this service."));
    }
    if (!found.get().hasRedirectUri(request.getRedirectionURI().toString())) {
      return new Checked(
          null,
          new AuthorizationOutcome.Refused(
              "The site asked to send you back to an address it has not registered."));
    }
    ErrorObject problem = AuthorizationRules.check(request, found.get());
    if (problem != null) {
      return new Checked(null, error(request, problem));
    }
    return new Checked(found.get(), null);
  }

  private AuthorizationOutcome issueCode(
      AuthenticationRequest request,
      RegisteredClient client,
      ActiveSession session,
      String address) {
    List<String> scope = AuthorizationRules.grantedScope(request);
    String code =
        oidc.codes()
            .issue(
                new AuthorizationCode(
                    client.clientId(),
                    request.getRedirectionURI().toString(),
                    request.getCodeChallenge() == null
                        ? null
                        : request.getCodeChallenge().getValue(),
                    request.getNonce() == null ? null : request.getNonce().getValue(),
                    String.join(" ", scope),
                    session.accountId(),
                    session.idHash(),
                    session.createdAt(),
                    clock.instant().plus(AuthorizationCodes.LIFETIME)));
    events.record(
        "oidc.authorized",
        Outcome.SUCCESS,
        session.accountId(),
        address,
        "client=" + client.clientId());
    return new AuthorizationOutcome.Respond(
        new AuthenticationSuccessResponse(
            request.getRedirectionURI(),
            new com.nimbusds.oauth2.sdk.AuthorizationCode(code),
            null,
            null,
            request.getState(),
            null,
            issuer(),
            request.getResponseMode()));
  }

  private AuthorizationOutcome error(AuthenticationRequest request, ErrorObject error) {
    return new AuthorizationOutcome.Respond(
        new AuthenticationErrorResponse(
            request.getRedirectionURI(),
            error,
            request.getState(),
            issuer(),
            AuthorizationRules.errorMode(request.getResponseMode())));
  }

  private Issuer issuer() {
    return new Issuer(config.publicUrl().toString());
  }
}
