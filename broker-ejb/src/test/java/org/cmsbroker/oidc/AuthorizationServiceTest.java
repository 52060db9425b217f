package org.cmsbroker.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.cmsbroker.client.ClientType;
import org.cmsbroker.session.ActiveSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthorizationServiceTest {
  private static final URI CALLBACK = URI.create("https://site.example/cb");
  private static final String BROWSER = "b".repeat(43);

  private final OidcFakes.MovableClock clock = new OidcFakes.MovableClock();
  private final OidcFakes.Codes codes = new OidcFakes.Codes(clock);
  private final InMemoryPendingAuthorizationStore store =
      new InMemoryPendingAuthorizationStore(100, clock);
  private AuthorizationService service;
  private int sessions;

  @BeforeEach
  void setUp() {
    service = new AuthorizationService();
    service.clients =
        new OidcFakes.Clients()
            .add(
                OidcFakes.client(
                    "site",
                    ClientType.CONFIDENTIAL,
                    List.of(CALLBACK),
                    List.of(),
                    "authorization_code",
                    "refresh_token"),
                "secret");
    service.oidc = codes;
    service.pending = store;
    service.events = new OidcFakes.Events();
    service.config = OidcFakes.config();
    service.random = new SecureRandom();
    service.clock = clock;
  }

  private static AuthenticationRequest request(String extra) throws Exception {
    return AuthenticationRequest.parse(
        "response_type=code&client_id=site&scope=openid%20profile&state=s1&redirect_uri="
            + URLEncoder.encode(CALLBACK.toString(), StandardCharsets.UTF_8)
            + extra);
  }

  /** A login made now. */
  private ActiveSession login() {
    sessions++;
    return new ActiveSession(
        "session-" + sessions,
        "account-1",
        "csrf",
        clock.instant(),
        clock.instant().plusSeconds(3600));
  }

  private String codeOf(AuthorizationOutcome outcome) {
    AuthorizationOutcome.Respond respond =
        assertInstanceOf(AuthorizationOutcome.Respond.class, outcome);
    return assertInstanceOf(AuthenticationSuccessResponse.class, respond.response())
        .getAuthorizationCode()
        .getValue();
  }

  @Test
  void aLiveSessionGetsACodeWhoseAuthTimeIsItsLogin() throws Exception {
    ActiveSession session = login();
    clock.now = clock.now.plusSeconds(30);
    String code = codeOf(service.authorize(request(""), Optional.of(session), BROWSER, null));
    AuthorizationCode issued =
        assertInstanceOf(AuthorizationCodes.Redemption.Redeemed.class, codes.codes.redeem(code))
            .code();
    assertEquals(session.createdAt(), issued.authTime());
  }

  @Test
  void promptLoginAsksAgainEvenWithAFreshnessParameterAdded() throws Exception {
    ActiveSession session = login();
    AuthorizationOutcome outcome =
        service.authorize(
            request("&prompt=login&_fresh_after=1&fresh=1"), Optional.of(session), BROWSER, null);
    AuthorizationOutcome.LoginNeeded login =
        assertInstanceOf(AuthorizationOutcome.LoginNeeded.class, outcome);
    assertTrue(login.force(), "the existing session does not count");
    assertInstanceOf(
        AuthorizationOutcome.LoginNeeded.class,
        service.resume(login.pendingId(), Optional.of(session), BROWSER, null),
        "coming back with the old session still needs a login");
  }

  @Test
  void promptLoginCompletesWithTheLoginMadeForIt() throws Exception {
    ActiveSession old = login();
    AuthorizationOutcome.LoginNeeded login =
        assertInstanceOf(
            AuthorizationOutcome.LoginNeeded.class,
            service.authorize(request("&prompt=login"), Optional.of(old), BROWSER, null));
    clock.now = clock.now.plusSeconds(5);
    ActiveSession fresh = login();
    String code = codeOf(service.resume(login.pendingId(), Optional.of(fresh), BROWSER, null));
    AuthorizationCode issued =
        ((AuthorizationCodes.Redemption.Redeemed) codes.codes.redeem(code)).code();
    assertEquals(fresh.createdAt(), issued.authTime(), "auth_time is the new login's time");
  }

  @Test
  void maxAgeZeroCompletesAfterOneLogin() throws Exception {
    AuthorizationOutcome.LoginNeeded login =
        assertInstanceOf(
            AuthorizationOutcome.LoginNeeded.class,
            service.authorize(request("&max_age=0"), Optional.empty(), BROWSER, null));
    assertFalse(login.force());
    clock.now = clock.now.plusSeconds(20);
    ActiveSession fresh = login();
    clock.now = clock.now.plusSeconds(2);
    codeOf(service.resume(login.pendingId(), Optional.of(fresh), BROWSER, null));
  }

  @Test
  void maxAgeExceededNeedsALogin() throws Exception {
    ActiveSession session = login();
    clock.now = clock.now.plus(Duration.ofMinutes(10));
    assertInstanceOf(
        AuthorizationOutcome.LoginNeeded.class,
        service.authorize(request("&max_age=300"), Optional.of(session), BROWSER, null));
    codeOf(service.authorize(request("&max_age=3600"), Optional.of(session), BROWSER, null));
  }

  @Test
  void aPendingAuthorizationFromAnotherBrowserIsRefused() throws Exception {
    AuthorizationOutcome.LoginNeeded login =
        (AuthorizationOutcome.LoginNeeded)
            service.authorize(request(""), Optional.empty(), BROWSER, null);
    assertInstanceOf(
        AuthorizationOutcome.Refused.class,
        service.resume(login.pendingId(), Optional.of(login()), "c".repeat(43), null));
    assertInstanceOf(
        AuthorizationOutcome.Refused.class,
        service.resume(login.pendingId(), Optional.of(login()), null, null));
  }

  @Test
  void aPendingAuthorizationCompletesOnce() throws Exception {
    AuthorizationOutcome.LoginNeeded login =
        (AuthorizationOutcome.LoginNeeded)
            service.authorize(request(""), Optional.empty(), BROWSER, null);
    clock.now = clock.now.plusSeconds(1);
    ActiveSession fresh = login();
    codeOf(service.resume(login.pendingId(), Optional.of(fresh), BROWSER, null));
    assertInstanceOf(
        AuthorizationOutcome.Refused.class,
        service.resume(login.pendingId(), Optional.of(fresh), BROWSER, null));
  }

  @Test
  void anExpiredPendingAuthorizationIsRefused() throws Exception {
    AuthorizationOutcome.LoginNeeded login =
        (AuthorizationOutcome.LoginNeeded)
            service.authorize(request(""), Optional.empty(), BROWSER, null);
    clock.now = clock.now.plus(AuthorizationService.PENDING_LIFETIME);
    assertInstanceOf(
        AuthorizationOutcome.Refused.class,
        service.resume(login.pendingId(), Optional.of(login()), BROWSER, null));
  }

  @Test
  void promptNoneWithoutASessionIsLoginRequiredAtTheSite() throws Exception {
    AuthorizationOutcome.Respond respond =
        assertInstanceOf(
            AuthorizationOutcome.Respond.class,
            service.authorize(request("&prompt=none"), Optional.empty(), BROWSER, null));
    assertEquals(
        "login_required",
        assertInstanceOf(AuthorizationErrorResponse.class, respond.response())
            .getErrorObject()
            .getCode());
  }

  @Test
  void anUnregisteredRedirectUriIsAPageNeverARedirect() throws Exception {
    AuthenticationRequest evil =
        AuthenticationRequest.parse(
            "response_type=code&client_id=site&scope=openid&redirect_uri=https%3A%2F%2Fevil.example%2Fcb");
    assertInstanceOf(
        AuthorizationOutcome.Refused.class,
        service.authorize(evil, Optional.of(login()), BROWSER, null));
  }

  @Test
  void anUnsupportedResponseModeIsAClearErrorAtTheSite() throws Exception {
    AuthorizationOutcome.Respond respond =
        assertInstanceOf(
            AuthorizationOutcome.Respond.class,
            service.authorize(
                request("&response_mode=fragment"), Optional.of(login()), BROWSER, null));
    AuthorizationErrorResponse error =
        assertInstanceOf(AuthorizationErrorResponse.class, respond.response());
    assertEquals("invalid_request", error.getErrorObject().getCode());
    assertEquals(ResponseMode.QUERY, error.impliedResponseMode());
  }

  @Test
  void formPostModeAnswersInFormPost() throws Exception {
    AuthorizationOutcome.Respond respond =
        assertInstanceOf(
            AuthorizationOutcome.Respond.class,
            service.authorize(
                request("&response_mode=form_post"), Optional.of(login()), BROWSER, null));
    assertEquals(ResponseMode.FORM_POST, respond.response().impliedResponseMode());
  }

  @Test
  void aServerScopeNeverReachesAPersonsCode() throws Exception {
    AuthenticationRequest wide =
        AuthenticationRequest.parse(
            "response_type=code&client_id=site&scope=openid%20payments%20email&redirect_uri="
                + URLEncoder.encode(CALLBACK.toString(), StandardCharsets.UTF_8));
    String code = codeOf(service.authorize(wide, Optional.of(login()), BROWSER, null));
    AuthorizationCode issued =
        ((AuthorizationCodes.Redemption.Redeemed) codes.codes.redeem(code)).code();
    assertEquals("openid email", issued.scope());
  }

  @Test
  void theLoginPageCanNameThePendingSite() throws Exception {
    AuthorizationOutcome.LoginNeeded login =
        (AuthorizationOutcome.LoginNeeded)
            service.authorize(request(""), Optional.empty(), BROWSER, null);
    assertEquals("Site site", service.pendingClient(login.pendingId()).orElseThrow().displayName());
  }
}
