package org.cmsbroker.web.oidc;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.cmsbroker.account.Account;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.oidc.AuthorizationCode;
import org.cmsbroker.oidc.AuthorizationCodes.Redemption;
import org.cmsbroker.oidc.OidcComponents;
import org.cmsbroker.oidc.RefreshGrant;
import org.cmsbroker.oidc.RefreshTokens;
import org.cmsbroker.oidc.Scopes;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.token.AccessTokenRequest;
import org.cmsbroker.token.IdTokenRequest;
import org.cmsbroker.token.IssuedToken;
import org.cmsbroker.token.SigningAlgorithm;
import org.cmsbroker.token.SigningKeys;
import org.cmsbroker.web.http.ClientAddress;

/**
 * {@code /oauth2/token}: the token endpoint (RFC 6749 and OIDC Core 3.1.3) for {@code
 * authorization_code} (PKCE S256 checked when used, required for public clients), {@code
 * refresh_token} (rotating, reuse revokes the family) and {@code client_credentials} (confidential
 * clients only). Client authentication {@code client_secret_basic} or {@code client_secret_post}.
 */
@WebServlet(OidcEndpoints.TOKEN)
public class TokenServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final java.util.Set<String> SUPPORTED_GRANTS =
      java.util.Set.of("authorization_code", "refresh_token", "client_credentials");

  @Inject transient ClientService clients;
  @Inject transient OidcComponents oidc;
  @Inject transient RefreshTokens refreshTokens;
  @Inject transient SessionService sessions;
  @Inject transient AccountService accounts;
  @Inject transient SigningKeys keys;
  @Inject transient SecurityEvents events;
  @Inject transient BrokerConfig config;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    HTTPRequest http = JakartaServletUtils.createHTTPRequest(request);
    TokenRequest tokenRequest;
    try {
      tokenRequest = TokenRequest.parse(http);
    } catch (ParseException e) {
      Responses.error(
          e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject(),
          false,
          response);
      return;
    }
    String address = ClientAddress.of(request, config.trustedProxies());
    OAuthClients.Authenticated auth =
        OAuthClients.authenticate(
            clients, tokenRequest.getClientAuthentication(), tokenRequest.getClientID(), true);
    if (!auth.ok()) {
      events.record("oidc.client_authentication", Outcome.FAILURE, null, address, "invalid_client");
      Responses.error(auth.error(), auth.basic(), response);
      return;
    }
    RegisteredClient client = auth.client();
    AuthorizationGrant grant = tokenRequest.getAuthorizationGrant();
    if (!SUPPORTED_GRANTS.contains(grant.getType().getValue())) {
      Responses.error(OAuth2Error.UNSUPPORTED_GRANT_TYPE, false, response);
      return;
    }
    if (!client.allowsGrantType(grant.getType().getValue())) {
      Responses.error(OAuth2Error.UNAUTHORIZED_CLIENT, false, response);
      return;
    }
    if (grant instanceof AuthorizationCodeGrant codeGrant) {
      authorizationCode(codeGrant, client, address, response);
    } else if (grant instanceof RefreshTokenGrant refreshGrant) {
      refresh(refreshGrant, client, tokenRequest.getScope(), response);
    } else if (grant instanceof ClientCredentialsGrant) {
      clientCredentials(client, tokenRequest.getScope(), response);
    } else {
      Responses.error(OAuth2Error.UNSUPPORTED_GRANT_TYPE, false, response);
    }
  }

  private void authorizationCode(
      AuthorizationCodeGrant grant,
      RegisteredClient client,
      String address,
      HttpServletResponse response)
      throws IOException {
    String code = grant.getAuthorizationCode().getValue();
    Redemption redemption = oidc.codes().redeem(code);
    if (redemption instanceof Redemption.Replayed replayed) {
      // RFC 6749 4.1.2: a code used twice revokes what its first use issued.
      if (replayed.issuedFamily() != null) {
        refreshTokens.revokeFamily(replayed.issuedFamily());
      }
      if (replayed.issuedAccessToken() != null) {
        refreshTokens.revokeAccessToken(replayed.issuedAccessToken(), replayed.accessExpiry());
      }
      events.record(
          "oidc.code_replayed",
          Outcome.REFUSED,
          replayed.code().accountId(),
          address,
          "client=" + client.clientId());
      Responses.error(
          OAuth2Error.INVALID_GRANT.setDescription("The code was already used"), false, response);
      return;
    }
    if (!(redemption instanceof Redemption.Redeemed redeemed)) {
      Responses.error(
          OAuth2Error.INVALID_GRANT.setDescription("Unknown or expired code"), false, response);
      return;
    }
    AuthorizationCode issued = redeemed.code();
    if (!issued.clientId().equals(client.clientId())) {
      Responses.error(
          OAuth2Error.INVALID_GRANT.setDescription("The code was issued to another client"),
          false,
          response);
      return;
    }
    if (grant.getRedirectionURI() == null
        || !grant.getRedirectionURI().toString().equals(issued.redirectUri())) {
      Responses.error(
          OAuth2Error.INVALID_GRANT.setDescription("redirect_uri does not match"), false, response);
      return;
    }
    if (!pkceMatches(issued.codeChallenge(), grant.getCodeVerifier())) {
      Responses.error(
          OAuth2Error.INVALID_GRANT.setDescription("PKCE verification failed"), false, response);
      return;
    }
    Optional<ActiveSession> session = sessions.findLive(issued.sessionIdHash());
    Optional<AccountView> account =
        accounts.findById(issued.accountId()).filter(a -> a.state() == Account.State.ACTIVE);
    if (session.isEmpty() || account.isEmpty()) {
      Responses.error(
          OAuth2Error.INVALID_GRANT.setDescription("The login has ended"), false, response);
      return;
    }
    List<String> scope = List.of(issued.scope().split(" "));
    RefreshToken refresh = null;
    String family = null;
    if (client.allowsGrantType("refresh_token")) {
      String[] issuedRefresh =
          refreshTokens.issue(
              new RefreshGrant(
                  client.clientId(),
                  account.get().id(),
                  issued.sessionIdHash(),
                  issued.scope(),
                  issued.authTime().atOffset(java.time.ZoneOffset.UTC)),
              session.get().expiresAt());
      refresh = new RefreshToken(issuedRefresh[0]);
      family = issuedRefresh[1];
    }
    refreshTokens.linkSessionClient(issued.sessionIdHash(), client.clientId());
    IssuedToken access =
        accessToken(account.get().id(), client, scope, issued.authTime(), issued.sessionIdHash());
    // A replay of this code revokes both (RFC 6749 4.1.2).
    oidc.codes().recordIssued(code, family, access.tokenId(), access.expiresAt());
    IssuedToken id =
        idToken(
            account.get(),
            client,
            scope,
            issued.authTime(),
            issued.sessionIdHash(),
            issued.nonce(),
            access);
    events.record(
        "oidc.tokens_issued",
        Outcome.SUCCESS,
        account.get().id(),
        address,
        "client=" + client.clientId() + " grant=authorization_code");
    respond(access, id, refresh, scope, response);
  }

  private void refresh(
      RefreshTokenGrant grant,
      RegisteredClient client,
      Scope requested,
      HttpServletResponse response)
      throws IOException {
    RefreshTokens.Rotation rotation =
        refreshTokens.rotate(grant.getRefreshToken().getValue(), client.clientId());
    if (rotation instanceof RefreshTokens.Rotation.Reused) {
      Responses.error(
          OAuth2Error.INVALID_GRANT.setDescription(
              "The refresh token was already used; its family is revoked"),
          false,
          response);
      return;
    }
    if (!(rotation instanceof RefreshTokens.Rotation.Rotated rotated)) {
      Responses.error(
          OAuth2Error.INVALID_GRANT.setDescription("Unknown, revoked or expired refresh token"),
          false,
          response);
      return;
    }
    RefreshGrant g = rotated.grant();
    List<String> scope = List.of(g.scope().split(" "));
    if (requested != null && !scope.containsAll(requested.toStringList())) {
      Responses.error(
          OAuth2Error.INVALID_SCOPE.setDescription("A refresh cannot widen the scope"),
          false,
          response);
      return;
    }
    if (requested != null) {
      scope = requested.toStringList();
    }
    Optional<AccountView> account =
        accounts.findById(g.accountId()).filter(a -> a.state() == Account.State.ACTIVE);
    if (account.isEmpty()) {
      refreshTokens.revokeFamily(rotated.familyId());
      Responses.error(
          OAuth2Error.INVALID_GRANT.setDescription("The account is disabled"), false, response);
      return;
    }
    IssuedToken access =
        accessToken(g.accountId(), client, scope, g.authTime().toInstant(), g.sessionIdHash());
    IssuedToken id =
        scope.contains("openid")
            ? idToken(
                account.get(),
                client,
                scope,
                g.authTime().toInstant(),
                g.sessionIdHash(),
                null,
                access)
            : null;
    respond(access, id, new RefreshToken(rotated.token()), scope, response);
  }

  private void clientCredentials(
      RegisteredClient client, Scope requested, HttpServletResponse response) throws IOException {
    if (client.isPublic()) {
      Responses.error(OAuth2Error.UNAUTHORIZED_CLIENT, false, response);
      return;
    }
    List<String> wanted = requested == null ? List.of() : requested.toStringList();
    List<String> scope = Scopes.grant(wanted, Scopes.SERVER);
    if (scope.size() != wanted.size()) {
      Responses.error(OAuth2Error.INVALID_SCOPE, false, response);
      return;
    }
    IssuedToken access =
        keys.issuer()
            .issueAccessToken(AccessTokenRequest.forClient(client.clientId()).scope(scope).build());
    Tokens tokens =
        new Tokens(
            new BearerAccessToken(
                access.value(),
                access.expiresInSeconds(),
                scope.isEmpty() ? null : new Scope(scope.toArray(String[]::new))),
            null);
    Responses.write(new AccessTokenResponse(tokens).toHTTPResponse(), response);
  }

  private IssuedToken accessToken(
      String subject,
      RegisteredClient client,
      List<String> scope,
      java.time.Instant authTime,
      String sessionId) {
    return keys.issuer()
        .issueAccessToken(
            AccessTokenRequest.builder(subject, client.clientId())
                .scope(scope)
                .authTime(authTime)
                .sessionId(sessionId)
                .build());
  }

  private IssuedToken idToken(
      AccountView account,
      RegisteredClient client,
      List<String> scope,
      java.time.Instant authTime,
      String sessionId,
      String nonce,
      IssuedToken access) {
    IdTokenRequest.Builder b =
        IdTokenRequest.builder(account.id(), client.clientId(), authTime)
            .sessionId(sessionId)
            .accessToken(access.value())
            .algorithm(
                SigningAlgorithm.named(client.idTokenSignedResponseAlg())
                    .orElse(SigningAlgorithm.ES256))
            .rolesClaim(client.rolesClaim());
    if (nonce != null) {
      b.nonce(nonce);
    }
    if (Scopes.releasesEmail(scope)) {
      b.email(account.email(), account.emailVerified());
    }
    if (Scopes.releasesProfile(scope)) {
      b.preferredUsername(account.username()).name(account.displayName());
      if (account.givenName() != null) {
        b.givenName(account.givenName());
      }
      if (account.familyName() != null) {
        b.familyName(account.familyName());
      }
    }
    if (Scopes.releasesRoles(scope)) {
      b.roles(account.roles());
    }
    return keys.issuer().issueIdToken(b.build());
  }

  private static void respond(
      IssuedToken access,
      IssuedToken id,
      RefreshToken refresh,
      List<String> scope,
      HttpServletResponse response)
      throws IOException {
    BearerAccessToken bearer =
        new BearerAccessToken(
            access.value(), access.expiresInSeconds(), new Scope(scope.toArray(String[]::new)));
    if (id == null) {
      Responses.write(
          new AccessTokenResponse(new Tokens(bearer, refresh)).toHTTPResponse(), response);
      return;
    }
    JWT idToken;
    try {
      idToken = JWTParser.parse(id.value());
    } catch (java.text.ParseException e) {
      throw new IllegalStateException("the broker's own ID token does not parse", e);
    }
    Responses.write(
        new OIDCTokenResponse(new OIDCTokens(idToken, bearer, refresh)).toHTTPResponse(), response);
  }

  /** PKCE (RFC 7636): with a stored challenge, the verifier must hash to it (S256). */
  static boolean pkceMatches(String challenge, CodeVerifier verifier) {
    if (challenge == null) {
      return verifier == null;
    }
    if (verifier == null) {
      return false;
    }
    String computed = CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue();
    return MessageDigest.isEqual(
        computed.getBytes(StandardCharsets.US_ASCII),
        challenge.getBytes(StandardCharsets.US_ASCII));
  }
}
