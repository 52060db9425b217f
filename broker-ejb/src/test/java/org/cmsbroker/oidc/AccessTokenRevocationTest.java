package org.cmsbroker.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cmsbroker.account.Account;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.client.ClientType;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.token.AccessTokenRequest;
import org.cmsbroker.token.AccessTokenVerifier;
import org.cmsbroker.token.InMemorySigningKeyStore;
import org.cmsbroker.token.SigningKeyGenerator;
import org.cmsbroker.token.SigningKeyRing;
import org.cmsbroker.token.SigningKeys;
import org.cmsbroker.token.TokenIssuer;
import org.cmsbroker.token.TokenSettings;
import org.junit.jupiter.api.Test;

/**
 * Userinfo and introspection behind the caching access token verifier: a token the cache already
 * knows is still refused once it is revoked, its session has ended or its client is disabled.
 */
class AccessTokenRevocationTest {
  private static final URI ENDPOINT = URI.create("https://broker.example/oauth2/x");

  private final OidcFakes.MovableClock clock = new OidcFakes.MovableClock();
  private final TokenSettings settings = TokenSettings.defaultsFor(OidcFakes.ISSUER.toString());
  private final SigningKeyRing ring =
      new SigningKeyRing(
          new InMemorySigningKeyStore(),
          new SigningKeyGenerator(),
          Duration.ofDays(30),
          Duration.ofMinutes(10),
          clock);
  private final TokenIssuer issuer = new TokenIssuer(ring, settings, clock);
  private final AccessTokenVerifier verifier =
      new AccessTokenVerifier(ring, settings, clock, AccessTokenVerifier.DEFAULT_CACHE_CAPACITY);
  private final Set<String> revoked = new HashSet<>();
  private final Set<String> liveSessions = new HashSet<>(Set.of("sid-1"));
  private final OidcFakes.Clients clients =
      new OidcFakes.Clients()
          .add(
              OidcFakes.client(
                  "site", ClientType.CONFIDENTIAL, List.of(), List.of(), "authorization_code"),
              "site-secret");
  private final UserInfoService userInfo = new UserInfoService();
  private final IntrospectionService introspection = new IntrospectionService();
  private final RevocationService revocation = new RevocationService();

  AccessTokenRevocationTest() {
    ring.rotateIfDue();
    SigningKeys keys =
        new SigningKeys() {
          @Override
          public AccessTokenVerifier accessTokenVerifier() {
            return verifier;
          }

          @Override
          public TokenSettings settings() {
            return settings;
          }
        };
    RefreshTokens refreshTokens =
        new RefreshTokens() {
          @Override
          public boolean isAccessTokenRevoked(String jti) {
            return revoked.contains(jti);
          }

          @Override
          public void revokeAccessToken(String jti, Instant expiresAt) {
            revoked.add(jti);
          }

          @Override
          public Optional<RefreshToken> find(String token) {
            return Optional.empty();
          }

          @Override
          public boolean isActive(String token, String clientId) {
            return false;
          }
        };
    ActiveAccessTokens active = new ActiveAccessTokens();
    active.keys = keys;
    active.refreshTokens = refreshTokens;
    active.clients = clients;
    active.sessions =
        new SessionService() {
          @Override
          public boolean isLive(String idHash) {
            return liveSessions.contains(idHash);
          }
        };
    ClientAuthenticator authenticator = new ClientAuthenticator();
    authenticator.clients = clients;

    userInfo.tokens = active;
    userInfo.clients = clients;
    userInfo.accounts =
        new AccountService() {
          @Override
          public Optional<AccountView> findById(String id) {
            return Optional.of(
                new AccountView(
                    id,
                    "ada",
                    "ada@example.org",
                    true,
                    "Ada",
                    "Lovelace",
                    List.of(),
                    Account.State.ACTIVE,
                    null,
                    Instant.EPOCH,
                    null));
          }
        };
    introspection.authenticator = authenticator;
    introspection.tokens = active;
    introspection.refreshTokens = refreshTokens;
    introspection.keys = keys;
    revocation.authenticator = authenticator;
    revocation.tokens = active;
    revocation.refreshTokens = refreshTokens;
    revocation.events = new OidcFakes.Events();
  }

  private String issue() {
    return issuer
        .issueAccessToken(
            AccessTokenRequest.builder("account-1", "site")
                .scope(List.of("openid", "email"))
                .authTime(clock.instant())
                .sessionId("sid-1")
                .build())
        .value();
  }

  private static ClientSecretBasic site() {
    return new ClientSecretBasic(new ClientID("site"), new Secret("site-secret"));
  }

  private boolean introspectedActive(String token) {
    return assertInstanceOf(
            TokenIntrospectionSuccessResponse.class,
            introspection
                .introspect(
                    new TokenIntrospectionRequest(ENDPOINT, site(), new BearerAccessToken(token)))
                .response())
        .isActive();
  }

  private void revoke(String token) {
    assertTrue(
        revocation
            .revoke(
                new TokenRevocationRequest(ENDPOINT, site(), new BearerAccessToken(token)), null)
            .ok());
  }

  @Test
  void userinfoRefusesACachedTokenOnceItIsRevoked() {
    String token = issue();
    assertEquals("ada@example.org", userInfo.userInfo(token).orElseThrow().getEmailAddress());
    assertTrue(userInfo.userInfo(token).isPresent(), "second use: from the cache");

    revoke(token);

    assertTrue(userInfo.userInfo(token).isEmpty());
  }

  @Test
  void introspectionReportsACachedTokenInactiveOnceItIsRevoked() {
    String token = issue();
    assertTrue(introspectedActive(token));
    assertTrue(introspectedActive(token), "second use: from the cache");

    revoke(token);

    assertFalse(introspectedActive(token));
    assertTrue(userInfo.userInfo(token).isEmpty());
  }

  @Test
  void aCachedTokenIsRefusedOnceItsSessionEnds() {
    String token = issue();
    assertTrue(userInfo.userInfo(token).isPresent());

    liveSessions.clear();

    assertTrue(userInfo.userInfo(token).isEmpty());
    assertFalse(introspectedActive(token));
  }

  @Test
  void aCachedTokenIsRefusedOnceItsClientIsDisabled() {
    String token = issue();
    assertTrue(introspectedActive(token));

    clients.clients.remove("site");

    assertTrue(userInfo.userInfo(token).isEmpty());
  }
}
