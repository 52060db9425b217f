package org.cmsbroker.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.token.SigningKeys;

/**
 * OpenID Connect RP-Initiated Logout 1.0. An {@code id_token_hint} counts only when it is an ID
 * token ({@code typ: JWT}, not an access or logout token) the broker signed with a current or
 * previous key, for the client named by {@code client_id} or by the token itself, validated with
 * the SDK's {@link IDTokenValidator}. With such a hint for this very session and no post-logout URI
 * or a registered one, the session ends at once; otherwise the person confirms. A post-logout URI
 * that is not registered never stops the logout: after the confirmation the broker shows its own
 * signed-out page instead of redirecting. Ending the session revokes its refresh tokens and
 * notifies clients by back-channel logout (through {@link SessionEndings}, which observes every
 * ending).
 */
@Stateless
public class EndSessionService {
  @Inject ClientService clients;
  @Inject SigningKeys keys;
  @Inject SessionService sessions;
  @Inject SecurityEvents events;
  @Inject BrokerConfig config;

  /**
   * Answers a logout request of a browser whose live session (if any) is {@code session}; {@code
   * csrf} is the confirmation form's token (null for the first request).
   */
  public EndSessionOutcome endSession(
      LogoutRequest request, Optional<ActiveSession> session, String csrf, String address) {
    ClientID named =
        request.getClientID() != null
            ? request.getClientID()
            : hintClient(request.getIDTokenHint());
    Optional<IDTokenClaimsSet> hint = verifyHint(request.getIDTokenHint(), named);
    // The client is the one client_id names, or the one a valid hint was issued to.
    Optional<RegisteredClient> client =
        Optional.ofNullable(request.getClientID() != null || hint.isPresent() ? named : null)
            .flatMap(id -> clients.find(id.getValue()))
            .filter(RegisteredClient::enabled);
    URI postLogout = request.getPostLogoutRedirectionURI();
    boolean registered =
        postLogout != null
            && client.isPresent()
            && client.get().hasPostLogoutRedirectUri(postLogout.toString());
    boolean unregistered = postLogout != null && !registered;
    String state = request.getState() == null ? null : request.getState().getValue();
    if (session.isEmpty()) {
      return new EndSessionOutcome.SignedOut(
          false, registered ? withState(postLogout, state) : null, unregistered);
    }
    ActiveSession s = session.get();
    boolean hintMatches =
        hint.isPresent()
            && s.idHash().equals(hint.get().getStringClaim("sid"))
            && s.accountId().equals(hint.get().getSubject().getValue());
    boolean confirmed = csrf != null && SessionService.csrfMatches(s, csrf);
    if (!confirmed && (!hintMatches || unregistered)) {
      return new EndSessionOutcome.Confirm(
          client.map(RegisteredClient::displayName).orElse(null),
          client.map(RegisteredClient::clientId).orElse(null),
          postLogout == null ? null : postLogout.toString(),
          state);
    }
    // Announced as a SessionEnded: SessionEndings revokes its refresh tokens and sends
    // back-channel logout, as for every other way a session ends.
    sessions.endByHash(s.idHash());
    events.record(
        "logout",
        Outcome.SUCCESS,
        s.accountId(),
        address,
        client.map(c -> "rp-initiated client=" + c.clientId()).orElse("rp-initiated")
            + (unregistered ? " unregistered_post_logout_redirect_uri" : ""));
    return new EndSessionOutcome.SignedOut(
        true, registered ? withState(postLogout, state) : null, unregistered);
  }

  /**
   * The claims of {@code hint} when it is an ID token of the broker for {@code named} (or, with no
   * {@code client_id}, for the client it names itself). Its expiry may be past by up to the
   * absolute session lifetime: an older hint cannot name a live session anyway.
   */
  Optional<IDTokenClaimsSet> verifyHint(JWT hint, ClientID expected) {
    if (!(hint instanceof SignedJWT signed) || expected == null) {
      return Optional.empty();
    }
    try {
      IDTokenValidator validator =
          new IDTokenValidator(
              JOSEObjectType.JWT,
              new Issuer(keys.settings().issuer()),
              expected,
              new JWSVerificationKeySelector<SecurityContext>(
                  Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256),
                  new ImmutableJWKSet<>(keys.publicJwks())),
              null);
      validator.setMaxClockSkew(
          (int) Math.min(Integer.MAX_VALUE, config.sessionAbsolute().toSeconds()));
      return Optional.of(validator.validate(signed, null));
    } catch (Exception e) {
      // Any refusal (type, signature, issuer, audience, malformed claims) means: no hint.
      return Optional.empty();
    }
  }

  /** The client an (unverified) ID token names: its {@code azp}, or its only audience. */
  static ClientID hintClient(JWT hint) {
    if (hint == null) {
      return null;
    }
    try {
      JWTClaimsSet unverified = hint.getJWTClaimsSet();
      String azp = unverified.getStringClaim("azp");
      List<String> aud = unverified.getAudience();
      if (azp != null) {
        return new ClientID(azp);
      }
      return aud != null && aud.size() == 1 ? new ClientID(aud.get(0)) : null;
    } catch (java.text.ParseException | RuntimeException e) {
      return null;
    }
  }

  private static URI withState(URI target, String state) {
    if (state == null || state.isEmpty()) {
      return target;
    }
    String s = target.toString();
    return URI.create(
        s
            + (target.getRawQuery() == null ? "?" : "&")
            + "state="
            + URLEncoder.encode(state, StandardCharsets.UTF_8));
  }
}
