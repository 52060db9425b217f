package org.cmsbroker.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cmsbroker.account.Account;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.account.AccountView;
import org.cmsbroker.client.ClientType;
import org.cmsbroker.crypto.SecretTokens;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.token.InMemorySigningKeyStore;
import org.cmsbroker.token.SigningKeyGenerator;
import org.cmsbroker.token.SigningKeyRing;
import org.cmsbroker.token.SigningKeys;
import org.cmsbroker.token.TokenIssuer;
import org.cmsbroker.token.TokenSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenGrantServiceTest {
  private static final URI CALLBACK = URI.create("https://site.example/cb");
  private static final URI ENDPOINT = URI.create("https://broker.example/oauth2/token");

  private final OidcFakes.MovableClock clock = new OidcFakes.MovableClock();
  private final OidcFakes.Codes codes = new OidcFakes.Codes(clock);
  private final Refresh refresh = new Refresh();
  private final ActiveSession session =
      new ActiveSession(
          "sid-1", "account-1", "csrf", clock.instant(), clock.instant().plusSeconds(3600));
  private TokenGrantService service;

  /** Refresh tokens in a map: the store's public behaviour, with rotation counted. */
  final class Refresh extends RefreshTokens {
    final Map<String, org.cmsbroker.oidc.RefreshToken> tokens = new HashMap<>();
    final Set<String> used = new HashSet<>();
    final Set<String> revokedFamilies = new HashSet<>();
    final List<String> revokedAccess = new ArrayList<>();
    int rotations;

    /** Given the test's clock, as the container injects one. */
    Refresh() {
      this.clock = TokenGrantServiceTest.this.clock;
    }

    @Override
    public String[] issue(RefreshGrant grant, Instant sessionExpiresAt) {
      return store(grant, "family-" + tokens.size());
    }

    private String[] store(RefreshGrant grant, String family) {
      String token = SecretTokens.generate(new java.security.SecureRandom());
      tokens.put(
          token,
          new org.cmsbroker.oidc.RefreshToken(
              SecretTokens.hash(token),
              family,
              grant,
              clock.instant().atOffset(ZoneOffset.UTC),
              clock.instant().plusSeconds(3600).atOffset(ZoneOffset.UTC)));
      return new String[] {token, family};
    }

    @Override
    public Optional<org.cmsbroker.oidc.RefreshToken> find(String token) {
      return Optional.ofNullable(tokens.get(token));
    }

    @Override
    public boolean isActive(String token, String clientId) {
      var t = tokens.get(token);
      return t != null
          && t.clientId().equals(clientId)
          && !used.contains(token)
          && !revokedFamilies.contains(t.familyId());
    }

    @Override
    public Rotation rotate(String token, String clientId) {
      rotations++;
      var t = tokens.get(token);
      if (t == null || !t.clientId().equals(clientId) || revokedFamilies.contains(t.familyId())) {
        return new Rotation.Invalid();
      }
      if (!used.add(token)) {
        revokedFamilies.add(t.familyId());
        return new Rotation.Reused();
      }
      String next = store(t.grant(), t.familyId())[0];
      return new Rotation.Rotated(next, t.familyId(), t.grant());
    }

    @Override
    public int revokeFamily(String familyId) {
      revokedFamilies.add(familyId);
      return 1;
    }

    @Override
    public void revokeAccessToken(String jti, Instant expiresAt) {
      revokedAccess.add(jti);
    }

    @Override
    public void linkSessionClient(String sessionIdHash, String clientId) {}
  }

  @BeforeEach
  void setUp() {
    clock.now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    SigningKeyRing ring =
        new SigningKeyRing(
            new InMemorySigningKeyStore(),
            new SigningKeyGenerator(),
            Duration.ofDays(30),
            Duration.ofMinutes(10),
            clock);
    ring.rotateIfDue();
    TokenIssuer issuer =
        new TokenIssuer(ring, TokenSettings.defaultsFor(OidcFakes.ISSUER.toString()), clock);
    OidcFakes.Clients clients =
        new OidcFakes.Clients()
            .add(
                OidcFakes.client(
                    "site",
                    ClientType.CONFIDENTIAL,
                    List.of(CALLBACK),
                    List.of(),
                    "authorization_code",
                    "refresh_token",
                    "client_credentials"),
                "site-secret")
            .add(
                OidcFakes.client(
                    "other",
                    ClientType.CONFIDENTIAL,
                    List.of(CALLBACK),
                    List.of(),
                    "authorization_code",
                    "refresh_token"),
                "other-secret");
    service = new TokenGrantService();
    service.authenticator = new ClientAuthenticator();
    service.authenticator.clients = clients;
    service.oidc = codes;
    service.refreshTokens = refresh;
    service.sessions =
        new SessionService() {
          @Override
          public Optional<ActiveSession> findLive(String idHash) {
            return session.idHash().equals(idHash) ? Optional.of(session) : Optional.empty();
          }
        };
    service.accounts =
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
                    List.of("editor"),
                    Account.State.ACTIVE,
                    null,
                    Instant.EPOCH,
                    null));
          }
        };
    service.keys =
        new SigningKeys() {
          @Override
          public TokenIssuer issuer() {
            return issuer;
          }
        };
    service.events = new OidcFakes.Events();
  }

  private String code(String scope, CodeVerifier verifier) {
    return codes.codes.issue(
        new AuthorizationCode(
            "site",
            CALLBACK.toString(),
            verifier == null
                ? null
                : CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue(),
            "n",
            scope,
            "account-1",
            "sid-1",
            session.createdAt(),
            clock.instant().plusSeconds(60)));
  }

  private TokenOutcome send(
      String client, String secret, com.nimbusds.oauth2.sdk.AuthorizationGrant grant, Scope scope) {
    return service.grant(
        new TokenRequest(
            ENDPOINT,
            new ClientSecretBasic(new ClientID(client), new Secret(secret)),
            grant,
            scope),
        null);
  }

  private OIDCTokenResponse redeem(String code, CodeVerifier verifier) {
    TokenOutcome.Issued issued =
        assertInstanceOf(
            TokenOutcome.Issued.class,
            send(
                "site",
                "site-secret",
                new AuthorizationCodeGrant(
                    new com.nimbusds.oauth2.sdk.AuthorizationCode(code), CALLBACK, verifier),
                null));
    return assertInstanceOf(OIDCTokenResponse.class, issued.response());
  }

  private static String error(TokenOutcome outcome) {
    return assertInstanceOf(TokenOutcome.Refused.class, outcome).error().getCode();
  }

  @Test
  void aCodeGivesTokensOnceAndItsReplayRevokesThem() {
    CodeVerifier verifier = new CodeVerifier();
    String code = code("openid profile", verifier);
    OIDCTokenResponse tokens = redeem(code, verifier);
    assertEquals(
        Set.of("openid", "profile"),
        Set.copyOf(tokens.getTokens().getAccessToken().getScope().toStringList()));
    String again =
        error(
            send(
                "site",
                "site-secret",
                new AuthorizationCodeGrant(
                    new com.nimbusds.oauth2.sdk.AuthorizationCode(code), CALLBACK, verifier),
                null));
    assertEquals("invalid_grant", again);
    assertEquals(1, refresh.revokedAccess.size(), "the first use's access token is revoked");
    assertFalse(refresh.revokedFamilies.isEmpty(), "and its refresh-token family");
  }

  @Test
  void aReplayByAnotherAuthenticatedClientRevokesNothing() {
    String code = code("openid", null);
    redeem(code, null);
    assertEquals(
        "invalid_grant",
        error(
            send(
                "other",
                "other-secret",
                new AuthorizationCodeGrant(
                    new com.nimbusds.oauth2.sdk.AuthorizationCode(code), CALLBACK, null),
                null)));
    assertTrue(refresh.revokedAccess.isEmpty());
    assertTrue(refresh.revokedFamilies.isEmpty());
  }

  @Test
  void aReplayWithAWrongSecretIsInvalidClientAndRevokesNothing() {
    String code = code("openid", null);
    redeem(code, null);
    TokenOutcome.Refused refused =
        assertInstanceOf(
            TokenOutcome.Refused.class,
            send(
                "site",
                "wrong",
                new AuthorizationCodeGrant(
                    new com.nimbusds.oauth2.sdk.AuthorizationCode(code), CALLBACK, null),
                null));
    assertEquals("invalid_client", refused.error().getCode());
    assertTrue(refused.basicChallenge());
    assertTrue(refresh.revokedAccess.isEmpty());
  }

  @Test
  void aWrongPkceVerifierIsInvalidGrant() {
    String code = code("openid", new CodeVerifier());
    assertEquals(
        "invalid_grant",
        error(
            send(
                "site",
                "site-secret",
                new AuthorizationCodeGrant(
                    new com.nimbusds.oauth2.sdk.AuthorizationCode(code),
                    CALLBACK,
                    new CodeVerifier()),
                null)));
  }

  @Test
  void aServerScopeStoredInACodeNeverReachesTheToken() {
    OIDCTokenResponse tokens = redeem(code("openid payments email", null), null);
    assertEquals(
        List.of("openid", "email"), tokens.getTokens().getAccessToken().getScope().toStringList());
  }

  @Test
  void aWideningRefreshIsRefusedBeforeTheTokenRotates() {
    RefreshToken token = redeem(code("openid profile", null), null).getTokens().getRefreshToken();
    assertEquals(
        "invalid_scope",
        error(
            send(
                "site",
                "site-secret",
                new RefreshTokenGrant(token),
                new Scope("openid", "payments"))));
    assertEquals(0, refresh.rotations, "not rotated");
    assertInstanceOf(
        TokenOutcome.Issued.class, send("site", "site-secret", new RefreshTokenGrant(token), null));
  }

  @Test
  void anotherClientsRefreshIsRefusedBeforeTheTokenRotates() {
    RefreshToken token = redeem(code("openid", null), null).getTokens().getRefreshToken();
    assertEquals(
        "invalid_grant", error(send("other", "other-secret", new RefreshTokenGrant(token), null)));
    assertEquals(0, refresh.rotations);
    assertInstanceOf(
        TokenOutcome.Issued.class, send("site", "site-secret", new RefreshTokenGrant(token), null));
  }

  @Test
  void aSpentRefreshTokenRevokesItsFamily() {
    RefreshToken token = redeem(code("openid", null), null).getTokens().getRefreshToken();
    assertInstanceOf(
        TokenOutcome.Issued.class, send("site", "site-secret", new RefreshTokenGrant(token), null));
    assertEquals(
        "invalid_grant", error(send("site", "site-secret", new RefreshTokenGrant(token), null)));
    assertFalse(refresh.revokedFamilies.isEmpty());
  }

  @Test
  void aNarrowerRefreshGetsTheNarrowerScope() {
    RefreshToken token =
        redeem(code("openid profile email", null), null).getTokens().getRefreshToken();
    TokenOutcome.Issued issued =
        assertInstanceOf(
            TokenOutcome.Issued.class,
            send("site", "site-secret", new RefreshTokenGrant(token), new Scope("openid")));
    assertEquals(
        List.of("openid"),
        issued.response().getTokens().getAccessToken().getScope().toStringList());
  }

  @Test
  void clientCredentialsGetOnlyServerScopes() {
    assertInstanceOf(
        TokenOutcome.Issued.class,
        send("site", "site-secret", new ClientCredentialsGrant(), new Scope("payments")));
    assertEquals(
        "invalid_scope",
        error(send("site", "site-secret", new ClientCredentialsGrant(), new Scope("openid"))));
    assertEquals(
        "unauthorized_client",
        error(send("other", "other-secret", new ClientCredentialsGrant(), new Scope("payments"))));
  }
}
