package org.cmsbroker.oidc;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cmsbroker.account.Account;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.token.AccessTokenRequest;
import org.cmsbroker.token.IdTokenRequest;
import org.cmsbroker.token.IssuedToken;
import org.cmsbroker.token.SigningAlgorithm;
import org.cmsbroker.token.SigningKeys;

/**
 * The token endpoint's grants (RFC 6749, OIDC Core 3.1.3), each in one transaction: {@code
 * authorization_code} (PKCE S256 checked when used, required for public clients), {@code
 * refresh_token} (rotating; checked before it rotates, so a refused refresh never spends it; reuse
 * revokes the family) and {@code client_credentials} (confidential clients, server scopes only).
 * The client is authenticated before anything else, so a replayed code revokes what it issued only
 * when its own client presents it. A person's tokens carry only login scopes.
 */
@Stateless
public class TokenGrantService {
  private static final Set<String> SUPPORTED_GRANTS =
      Set.of("authorization_code", "refresh_token", "client_credentials");

  @Inject ClientAuthenticator authenticator;
  @Inject OidcComponents oidc;
  @Inject RefreshTokens refreshTokens;
  @Inject SessionService sessions;
  @Inject AccountService accounts;
  @Inject SigningKeys keys;
  @Inject SecurityEvents events;

  /** Answers one token request from {@code address}. */
  public TokenOutcome grant(TokenRequest request, String address) {
    AuthenticatedClient auth =
        authenticator.authenticate(request.getClientAuthentication(), request.getClientID(), true);
    if (!auth.ok()) {
      events.record("oidc.client_authentication", Outcome.FAILURE, null, address, "invalid_client");
      return new TokenOutcome.Refused(auth.error(), auth.basicChallenge());
    }
    RegisteredClient client = auth.client();
    AuthorizationGrant grant = request.getAuthorizationGrant();
    if (!SUPPORTED_GRANTS.contains(grant.getType().getValue())) {
      return new TokenOutcome.Refused(OAuth2Error.UNSUPPORTED_GRANT_TYPE);
    }
    if (!client.allowsGrantType(grant.getType().getValue())) {
      return new TokenOutcome.Refused(OAuth2Error.UNAUTHORIZED_CLIENT);
    }
    if (grant instanceof AuthorizationCodeGrant codeGrant) {
      return authorizationCode(codeGrant, client, address);
    }
    if (grant instanceof RefreshTokenGrant refreshGrant) {
      return refresh(refreshGrant, client, request.getScope(), address);
    }
    if (grant instanceof ClientCredentialsGrant) {
      return clientCredentials(client, request.getScope());
    }
    return new TokenOutcome.Refused(OAuth2Error.UNSUPPORTED_GRANT_TYPE);
  }

  private static TokenOutcome invalidGrant(String description) {
    return new TokenOutcome.Refused(OAuth2Error.INVALID_GRANT.setDescription(description));
  }

  private TokenOutcome authorizationCode(
      AuthorizationCodeGrant grant, RegisteredClient client, String address) {
    String code = grant.getAuthorizationCode().getValue();
    AuthorizationCodes.Redemption redemption = oidc.codes().redeem(code);
    if (redemption instanceof AuthorizationCodes.Redemption.Replayed replayed) {
      // RFC 6749 4.1.2: a code used twice revokes what its first use issued, when its own
      // (authenticated) client presents it again; another client cannot revoke a stranger's tokens.
      if (replayed.code().clientId().equals(client.clientId())) {
        if (replayed.issuedFamily() != null) {
          refreshTokens.revokeFamily(replayed.issuedFamily());
        }
        if (replayed.issuedAccessToken() != null) {
          refreshTokens.revokeAccessToken(replayed.issuedAccessToken(), replayed.accessExpiry());
        }
      }
      events.record(
          "oidc.code_replayed",
          Outcome.REFUSED,
          replayed.code().accountId(),
          address,
          "client=" + client.clientId());
      return invalidGrant("The code was already used");
    }
    if (!(redemption instanceof AuthorizationCodes.Redemption.Redeemed redeemed)) {
      return invalidGrant("Unknown or expired code");
    }
    AuthorizationCode issued = redeemed.code();
    if (!issued.clientId().equals(client.clientId())) {
      return invalidGrant("The code was issued to another client");
    }
    if (grant.getRedirectionURI() == null
        || !grant.getRedirectionURI().toString().equals(issued.redirectUri())) {
      return invalidGrant("redirect_uri does not match");
    }
    if (!pkceMatches(issued.codeChallenge(), grant.getCodeVerifier())) {
      return invalidGrant("PKCE verification failed");
    }
    Optional<ActiveSession> session = sessions.findLive(issued.sessionIdHash());
    Optional<AccountView> account = activeAccount(issued.accountId());
    if (session.isEmpty() || account.isEmpty()) {
      return invalidGrant("The login has ended");
    }
    List<String> scope = Scopes.grant(split(issued.scope()), Scopes.LOGIN);
    RefreshToken refresh = null;
    String family = null;
    if (client.allowsGrantType("refresh_token")) {
      String[] issuedRefresh =
          refreshTokens.issue(
              new RefreshGrant(
                  client.clientId(),
                  account.get().id(),
                  issued.sessionIdHash(),
                  String.join(" ", scope),
                  issued.authTime().atOffset(ZoneOffset.UTC)),
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
    events.recordWithCaller(
        "oidc.tokens_issued",
        Outcome.SUCCESS,
        account.get().id(),
        client.clientId(),
        address,
        "client=" + client.clientId() + " grant=authorization_code");
    return new TokenOutcome.Issued(response(access, id, refresh, scope));
  }

  private TokenOutcome refresh(
      RefreshTokenGrant grant, RegisteredClient client, Scope requested, String address) {
    String token = grant.getRefreshToken().getValue();
    Optional<org.cmsbroker.oidc.RefreshToken> stored =
        refreshTokens.find(token).filter(t -> t.clientId().equals(client.clientId()));
    if (stored.isEmpty()) {
      return invalidGrant("Unknown, revoked or expired refresh token");
    }
    List<String> granted = Scopes.grant(split(stored.get().grant().scope()), Scopes.LOGIN);
    // Checked before the token rotates: a refused refresh leaves it usable. A token that is no
    // longer usable (spent, revoked, expired) goes straight on, so reuse is always detected.
    if (refreshTokens.isActive(token, client.clientId())) {
      if (requested != null && !granted.containsAll(requested.toStringList())) {
        return new TokenOutcome.Refused(
            OAuth2Error.INVALID_SCOPE.setDescription("A refresh cannot widen the scope"));
      }
      if (activeAccount(stored.get().grant().accountId()).isEmpty()) {
        refreshTokens.revokeFamily(stored.get().familyId());
        return invalidGrant("The account is disabled");
      }
    }
    RefreshTokens.Rotation rotation = refreshTokens.rotate(token, client.clientId());
    if (rotation instanceof RefreshTokens.Rotation.Reused) {
      return invalidGrant("The refresh token was already used; its family is revoked");
    }
    if (!(rotation instanceof RefreshTokens.Rotation.Rotated rotated)) {
      return invalidGrant("Unknown, revoked or expired refresh token");
    }
    RefreshGrant g = rotated.grant();
    Optional<AccountView> account = activeAccount(g.accountId());
    if (account.isEmpty()) {
      refreshTokens.revokeFamily(rotated.familyId());
      return invalidGrant("The account is disabled");
    }
    List<String> scope = requested == null ? granted : requested.toStringList();
    Instant authTime = g.authTime().toInstant();
    IssuedToken access = accessToken(g.accountId(), client, scope, authTime, g.sessionIdHash());
    IssuedToken id =
        scope.contains("openid")
            ? idToken(account.get(), client, scope, authTime, g.sessionIdHash(), null, access)
            : null;
    events.recordWithCaller(
        "oidc.tokens_issued",
        Outcome.SUCCESS,
        g.accountId(),
        client.clientId(),
        address,
        "client=" + client.clientId() + " grant=refresh_token");
    return new TokenOutcome.Issued(response(access, id, new RefreshToken(rotated.token()), scope));
  }

  private TokenOutcome clientCredentials(RegisteredClient client, Scope requested) {
    if (client.isPublic()) {
      return new TokenOutcome.Refused(OAuth2Error.UNAUTHORIZED_CLIENT);
    }
    List<String> wanted = requested == null ? List.of() : requested.toStringList();
    List<String> scope = Scopes.grant(wanted, Scopes.SERVER);
    if (scope.size() != wanted.size()) {
      return new TokenOutcome.Refused(
          OAuth2Error.INVALID_SCOPE.setDescription("Only server scopes (payments) are granted"));
    }
    IssuedToken access =
        keys.issuer()
            .issueAccessToken(AccessTokenRequest.forClient(client.clientId()).scope(scope).build());
    return new TokenOutcome.Issued(
        new AccessTokenResponse(
            new Tokens(
                new BearerAccessToken(
                    access.value(),
                    access.expiresInSeconds(),
                    scope.isEmpty() ? null : new Scope(scope.toArray(String[]::new))),
                null)));
  }

  private Optional<AccountView> activeAccount(String id) {
    return accounts.findById(id).filter(a -> a.state() == Account.State.ACTIVE);
  }

  private static List<String> split(String scope) {
    return scope == null || scope.isBlank() ? List.of() : List.of(scope.trim().split(" +"));
  }

  private IssuedToken accessToken(
      String subject,
      RegisteredClient client,
      List<String> scope,
      Instant authTime,
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
      Instant authTime,
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

  private static AccessTokenResponse response(
      IssuedToken access, IssuedToken id, RefreshToken refresh, List<String> scope) {
    BearerAccessToken bearer =
        new BearerAccessToken(
            access.value(),
            access.expiresInSeconds(),
            scope.isEmpty() ? null : new Scope(scope.toArray(String[]::new)));
    if (id == null) {
      return new AccessTokenResponse(new Tokens(bearer, refresh));
    }
    JWT idToken;
    try {
      idToken = JWTParser.parse(id.value());
    } catch (java.text.ParseException e) {
      throw new IllegalStateException("the broker's own ID token does not parse", e);
    }
    return new OIDCTokenResponse(new OIDCTokens(idToken, bearer, refresh));
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
