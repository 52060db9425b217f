package org.cmsbroker.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cmsbroker.client.ClientType;
import org.cmsbroker.session.ActiveSession;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.token.AccessTokenRequest;
import org.cmsbroker.token.IdTokenRequest;
import org.cmsbroker.token.InMemorySigningKeyStore;
import org.cmsbroker.token.SigningKeyGenerator;
import org.cmsbroker.token.SigningKeyRing;
import org.cmsbroker.token.SigningKeys;
import org.cmsbroker.token.TokenIssuer;
import org.cmsbroker.token.TokenSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EndSessionServiceTest {
  private static final URI BYE = URI.create("https://site.example/bye");
  private static final URI UNREGISTERED =
      URI.create("https://site.example/wp-login.php?loggedout=true&wp_lang=en_US");

  private final OidcFakes.MovableClock clock = new OidcFakes.MovableClock();

  {
    // The SDK's validator reads the system clock: tokens are issued at the real time.
    clock.now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }

  private final TokenSettings settings = TokenSettings.defaultsFor(OidcFakes.ISSUER.toString());
  private final List<String> ended = new ArrayList<>();
  private final List<String> notified = new ArrayList<>();
  private TokenIssuer issuer;
  private TokenIssuer stranger;
  private EndSessionService service;
  private final ActiveSession session =
      new ActiveSession(
          "sid-1", "account-1", "csrf-token", clock.instant(), clock.instant().plusSeconds(3600));

  private static SigningKeyRing ring(OidcFakes.MovableClock clock) {
    SigningKeyRing ring =
        new SigningKeyRing(
            new InMemorySigningKeyStore(),
            new SigningKeyGenerator(),
            Duration.ofDays(30),
            Duration.ofMinutes(10),
            clock);
    ring.rotateIfDue();
    return ring;
  }

  @BeforeEach
  void setUp() {
    SigningKeyRing ring = ring(clock);
    issuer = new TokenIssuer(ring, settings, clock);
    stranger = new TokenIssuer(ring(clock), settings, clock);
    service = new EndSessionService();
    service.clients =
        new OidcFakes.Clients()
            .add(
                OidcFakes.client(
                    "site", ClientType.CONFIDENTIAL, List.of(), List.of(BYE), "authorization_code"),
                "s")
            .add(
                OidcFakes.client(
                    "other", ClientType.CONFIDENTIAL, List.of(), List.of(), "authorization_code"),
                "o");
    service.keys =
        new SigningKeys() {
          @Override
          public TokenSettings settings() {
            return settings;
          }

          @Override
          public JWKSet publicJwks() {
            return ring.publicJwks();
          }
        };
    service.sessions =
        new SessionService() {
          @Override
          public void endByHash(String idHash) {
            ended.add(idHash);
            // The real one fires SessionEnded, which SessionEndings turns into back-channel logout.
            notified.add(idHash);
          }
        };
    service.events = new OidcFakes.Events();
    service.config = OidcFakes.config();
  }

  private String idToken(TokenIssuer by, String client, String sid) {
    return by.issueIdToken(
            IdTokenRequest.builder("account-1", client, session.createdAt()).sessionId(sid).build())
        .value();
  }

  private LogoutRequest logout(String hint, String clientId, URI postLogout) throws Exception {
    return new LogoutRequest(
        URI.create("https://broker.example/oauth2/logout"),
        hint == null ? null : JWTParser.parse(hint),
        null,
        clientId == null ? null : new ClientID(clientId),
        postLogout,
        new State("st"),
        null);
  }

  @Test
  void aHintForThisSessionWithARegisteredUriEndsAtOnceAndRedirectsWithState() throws Exception {
    EndSessionOutcome.SignedOut out =
        assertInstanceOf(
            EndSessionOutcome.SignedOut.class,
            service.endSession(
                logout(idToken(issuer, "site", "sid-1"), null, BYE),
                Optional.of(session),
                null,
                null));
    assertTrue(out.sessionEnded());
    assertEquals(URI.create(BYE + "?state=st"), out.redirect());
    assertEquals(List.of("sid-1"), ended);
    assertEquals(List.of("sid-1"), notified, "back-channel logout");
  }

  @Test
  void anAccessTokenIsNotAHint() throws Exception {
    String access =
        issuer
            .issueAccessToken(
                AccessTokenRequest.builder("account-1", "site").sessionId("sid-1").build())
            .value();
    assertInstanceOf(
        EndSessionOutcome.Confirm.class,
        service.endSession(logout(access, "site", BYE), Optional.of(session), null, null));
    assertTrue(ended.isEmpty());
  }

  @Test
  void aHintOfAnotherClientThanClientIdIsNotAHint() throws Exception {
    assertInstanceOf(
        EndSessionOutcome.Confirm.class,
        service.endSession(
            logout(idToken(issuer, "other", "sid-1"), "site", BYE),
            Optional.of(session),
            null,
            null));
  }

  @Test
  void aHintSignedWithAnotherKeyIsNotAHint() throws Exception {
    assertInstanceOf(
        EndSessionOutcome.Confirm.class,
        service.endSession(
            logout(idToken(stranger, "site", "sid-1"), null, BYE),
            Optional.of(session),
            null,
            null));
  }

  @Test
  void aHintForAnotherSessionAsksToConfirm() throws Exception {
    assertInstanceOf(
        EndSessionOutcome.Confirm.class,
        service.endSession(
            logout(idToken(issuer, "site", "sid-2"), null, BYE), Optional.of(session), null, null));
  }

  @Test
  void anExpiredHintOfALiveSessionStillCounts() throws Exception {
    java.time.Instant real = clock.now;
    clock.now = clock.now.minus(Duration.ofHours(2));
    String hint = idToken(issuer, "site", "sid-1");
    clock.now = real;
    assertInstanceOf(
        EndSessionOutcome.SignedOut.class,
        service.endSession(logout(hint, null, BYE), Optional.of(session), null, null));
  }

  @Test
  void anUnregisteredUriAsksToConfirmThenEndsTheSessionOnTheBrokersOwnPage() throws Exception {
    LogoutRequest request = logout(idToken(issuer, "site", "sid-1"), "site", UNREGISTERED);
    EndSessionOutcome.Confirm confirm =
        assertInstanceOf(
            EndSessionOutcome.Confirm.class,
            service.endSession(request, Optional.of(session), null, null));
    assertEquals("site", confirm.clientId());
    assertTrue(ended.isEmpty());
    EndSessionOutcome.SignedOut out =
        assertInstanceOf(
            EndSessionOutcome.SignedOut.class,
            service.endSession(
                logout(null, "site", UNREGISTERED), Optional.of(session), "csrf-token", null));
    assertTrue(out.sessionEnded());
    assertNull(out.redirect(), "never to the unregistered address");
    assertTrue(out.unregisteredRedirect());
    assertEquals(List.of("sid-1"), notified);
  }

  @Test
  void aWrongCsrfTokenDoesNotConfirm() throws Exception {
    assertInstanceOf(
        EndSessionOutcome.Confirm.class,
        service.endSession(logout(null, "site", BYE), Optional.of(session), "forged", null));
    assertTrue(ended.isEmpty());
  }

  @Test
  void withoutASessionARegisteredUriIsFollowed() throws Exception {
    EndSessionOutcome.SignedOut out =
        assertInstanceOf(
            EndSessionOutcome.SignedOut.class,
            service.endSession(logout(null, "site", BYE), Optional.empty(), null, null));
    assertEquals(URI.create(BYE + "?state=st"), out.redirect());
  }
}
