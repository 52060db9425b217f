package org.cmsbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.cmsbroker.client.ClientException.Reason;
import org.cmsbroker.client.ClientRules.UriKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** One test per refusal, each asserting the reason and its fixed message. */
class ClientRulesTest {
  private static final String HTTPS_ONLY =
      " must use https (http only on localhost, 127.0.0.1 or [::1]).";

  private static void refused(Reason reason, String message, Executable call) {
    ClientException e = assertThrows(ClientException.class, call);
    assertEquals(reason, e.reason());
    assertEquals(message, e.getMessage());
  }

  private static List<String> many(String prefix, int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + i).toList();
  }

  @Test
  void clientIdIsThreeToSixtyFourSafeCharacters() throws Exception {
    String message = "A client id is 3 to 64 letters, digits, '.', '_' or '-'.";
    assertEquals("typo3.main_site-1", ClientRules.clientId("typo3.main_site-1"));
    assertEquals("x".repeat(64), ClientRules.clientId("x".repeat(64)));
    refused(Reason.INVALID_CLIENT_ID, message, () -> ClientRules.clientId("ab"));
    refused(Reason.INVALID_CLIENT_ID, message, () -> ClientRules.clientId("x".repeat(65)));
    refused(Reason.INVALID_CLIENT_ID, message, () -> ClientRules.clientId("site/1"));
    refused(Reason.INVALID_CLIENT_ID, message, () -> ClientRules.clientId("site é"));
  }

  @Test
  void displayNameIsOneToOneHundredCharactersWithoutControls() throws Exception {
    String message = "A client name is 1 to 100 characters without control characters.";
    assertEquals("Café Site", ClientRules.displayName("  Café Site "));
    assertEquals("é".repeat(100), ClientRules.displayName("é".repeat(100)));
    refused(Reason.INVALID_NAME, message, () -> ClientRules.displayName(" "));
    refused(Reason.INVALID_NAME, message, () -> ClientRules.displayName(null));
    refused(Reason.INVALID_NAME, message, () -> ClientRules.displayName("x".repeat(101)));
    refused(Reason.INVALID_NAME, message, () -> ClientRules.displayName("Evil\u001b[31m"));
    refused(Reason.INVALID_NAME, message, () -> ClientRules.displayName("two\nlines"));
  }

  @Test
  void redirectUriMustBeAbsolute() {
    String message = "A redirect URI must be an absolute URI with a host.";
    refused(
        Reason.INVALID_REDIRECT_URI, message, () -> ClientRules.uri("/callback", UriKind.REDIRECT));
    refused(
        Reason.INVALID_REDIRECT_URI, message, () -> ClientRules.uri("https:cb", UriKind.REDIRECT));
    refused(
        Reason.INVALID_REDIRECT_URI,
        message,
        () -> ClientRules.uri("https:///cb", UriKind.REDIRECT));
    refused(
        Reason.INVALID_REDIRECT_URI,
        message,
        () -> ClientRules.uri("https://a b/", UriKind.REDIRECT));
    refused(
        Reason.INVALID_REDIRECT_URI,
        message,
        () -> ClientRules.uri("https://user:pw@site.example/cb", UriKind.REDIRECT));
    refused(
        Reason.INVALID_REDIRECT_URI,
        message,
        () -> ClientRules.uri("https://site.example/" + "x".repeat(2000), UriKind.REDIRECT));
  }

  @Test
  void redirectUriMustNotHaveAFragment() {
    String message = "A redirect URI must not have a fragment (#...).";
    refused(
        Reason.REDIRECT_URI_HAS_FRAGMENT,
        message,
        () -> ClientRules.uri("https://site.example/cb#x", UriKind.REDIRECT));
    refused(
        Reason.REDIRECT_URI_HAS_FRAGMENT,
        message,
        () -> ClientRules.uri("https://site.example/cb#", UriKind.REDIRECT));
  }

  @Test
  void redirectUriMustUseHttpsExceptOnLoopback() throws Exception {
    refused(
        Reason.REDIRECT_URI_NOT_HTTPS,
        "A redirect URI" + HTTPS_ONLY,
        () -> ClientRules.uri("http://site.example/cb", UriKind.REDIRECT));
    refused(
        Reason.REDIRECT_URI_NOT_HTTPS,
        "A redirect URI" + HTTPS_ONLY,
        () -> ClientRules.uri("ftp://localhost/cb", UriKind.REDIRECT));
    refused(
        Reason.REDIRECT_URI_NOT_HTTPS,
        "A redirect URI" + HTTPS_ONLY,
        () -> ClientRules.uri("http://localhost.evil.example/cb", UriKind.REDIRECT));
    for (String ok :
        List.of(
            "http://localhost:8080/cb",
            "http://127.0.0.1/cb",
            "http://[::1]:3000/cb",
            "https://site.example/cb?a=b")) {
      assertEquals(ok, ClientRules.uri(ok, UriKind.REDIRECT).toString());
    }
  }

  @Test
  void atMostTwentyRedirectUris() throws Exception {
    assertEquals(20, ClientRules.uris(many("https://s.example/", 20), UriKind.REDIRECT).size());
    refused(
        Reason.TOO_MANY_REDIRECT_URIS,
        "At most 20 URIs of this kind may be registered.",
        () -> ClientRules.uris(many("https://s.example/", 21), UriKind.REDIRECT));
  }

  @Test
  void duplicateRedirectUrisAreKeptOnce() throws Exception {
    List<String> twice = new ArrayList<>(many("https://s.example/", 20));
    twice.add("https://s.example/1");
    assertEquals(
        URI.create("https://s.example/1"), ClientRules.uris(twice, UriKind.REDIRECT).get(0));
  }

  @Test
  void authorizationCodeNeedsARedirectUri() throws Exception {
    refused(
        Reason.MISSING_REDIRECT_URI,
        "A client that uses authorization_code needs at least one redirect URI.",
        () -> ClientRules.redirectUriWhenNeeded(Set.of("authorization_code"), List.of()));
    ClientRules.redirectUriWhenNeeded(Set.of("client_credentials"), List.of());
  }

  @Test
  void postLogoutRedirectUriMustBeAbsolute() {
    refused(
        Reason.INVALID_POST_LOGOUT_REDIRECT_URI,
        "A post-logout redirect URI must be an absolute URI with a host.",
        () -> ClientRules.uri("bye.html", UriKind.POST_LOGOUT));
  }

  @Test
  void postLogoutRedirectUriMustNotHaveAFragment() {
    refused(
        Reason.POST_LOGOUT_REDIRECT_URI_HAS_FRAGMENT,
        "A post-logout redirect URI must not have a fragment (#...).",
        () -> ClientRules.uri("https://site.example/#bye", UriKind.POST_LOGOUT));
  }

  @Test
  void postLogoutRedirectUriMustUseHttpsExceptOnLoopback() throws Exception {
    refused(
        Reason.POST_LOGOUT_REDIRECT_URI_NOT_HTTPS,
        "A post-logout redirect URI" + HTTPS_ONLY,
        () -> ClientRules.uri("http://site.example/bye", UriKind.POST_LOGOUT));
    ClientRules.uri("http://127.0.0.1:8080/bye", UriKind.POST_LOGOUT);
  }

  @Test
  void atMostTwentyPostLogoutRedirectUris() {
    refused(
        Reason.TOO_MANY_POST_LOGOUT_REDIRECT_URIS,
        "At most 20 URIs of this kind may be registered.",
        () -> ClientRules.uris(many("https://s.example/", 21), UriKind.POST_LOGOUT));
  }

  @Test
  void webOriginIsSchemeHostAndPortOnly() throws Exception {
    String message = "A web origin is scheme://host[:port] with no path, query or fragment.";
    assertEquals(
        Set.of("https://site.example", "http://localhost:8080"),
        ClientRules.webOrigins(List.of("https://Site.Example", "http://localhost:8080")));
    for (String bad :
        List.of(
            "https://site.example/",
            "https://site.example/path",
            "https://site.example?x",
            "https://site.example#x",
            "site.example",
            "https://u@site.example")) {
      refused(Reason.INVALID_WEB_ORIGIN, message, () -> ClientRules.webOrigins(List.of(bad)));
    }
  }

  @Test
  void webOriginMustUseHttpsExceptOnLoopback() {
    refused(
        Reason.WEB_ORIGIN_NOT_HTTPS,
        "A web origin" + HTTPS_ONLY,
        () -> ClientRules.webOrigins(List.of("http://site.example")));
  }

  @Test
  void atMostTwentyWebOrigins() {
    refused(
        Reason.TOO_MANY_WEB_ORIGINS,
        "At most 20 web origins may be registered.",
        () -> ClientRules.webOrigins(many("https://s", 21)));
  }

  @Test
  void grantTypesAreTheThreeKnownOnes() throws Exception {
    refused(
        Reason.INVALID_GRANT_TYPE,
        "A grant type is authorization_code, refresh_token or client_credentials.",
        () -> ClientRules.grantTypes(List.of("implicit"), ClientType.CONFIDENTIAL));
    assertEquals(
        List.of("authorization_code", "refresh_token"),
        List.copyOf(
            ClientRules.grantTypes(
                List.of("refresh_token", "authorization_code"), ClientType.CONFIDENTIAL)));
  }

  @Test
  void publicClientCannotUseClientCredentials() {
    refused(
        Reason.PUBLIC_CLIENT_CREDENTIALS,
        "A public client cannot use client_credentials: it has no secret.",
        () -> ClientRules.grantTypes(List.of("client_credentials"), ClientType.PUBLIC));
  }

  @Test
  void anEmptySetOfGrantTypesIsRefused() {
    refused(
        Reason.NO_GRANT_TYPE,
        "A client needs at least one grant type.",
        () -> ClientRules.someGrantType(Set.of()));
  }

  @Test
  void defaultGrantTypesDependOnTheType() throws Exception {
    assertEquals(
        List.of("authorization_code", "refresh_token", "client_credentials"),
        List.copyOf(ClientRules.grantTypes(List.of(), ClientType.CONFIDENTIAL)));
    assertEquals(
        List.of("authorization_code", "refresh_token"),
        List.copyOf(ClientRules.grantTypes(List.of(), ClientType.PUBLIC)));
  }

  @Test
  void idTokenAlgorithmIsEs256OrRs256() throws Exception {
    assertEquals("ES256", ClientRules.idTokenAlg(null));
    assertEquals("RS256", ClientRules.idTokenAlg("RS256"));
    for (String bad : List.of("HS256", "none", "es256", "PS256")) {
      refused(
          Reason.INVALID_ID_TOKEN_ALG,
          "The ID token algorithm is ES256 or RS256.",
          () -> ClientRules.idTokenAlg(bad));
    }
  }

  @Test
  void backchannelLogoutUriMustBeAbsoluteWithoutFragment() throws Exception {
    String message = "The back-channel logout URI must be an absolute URI with a host.";
    refused(
        Reason.INVALID_BACKCHANNEL_LOGOUT_URI,
        message,
        () -> ClientRules.backchannelLogoutUri("/logout"));
    refused(
        Reason.INVALID_BACKCHANNEL_LOGOUT_URI,
        "The back-channel logout URI must not have a fragment (#...).",
        () -> ClientRules.backchannelLogoutUri("https://site.example/logout#x"));
    assertNull(ClientRules.backchannelLogoutUri(""));
  }

  @Test
  void backchannelLogoutUriMustUseHttpsExceptOnLoopback() throws Exception {
    refused(
        Reason.BACKCHANNEL_LOGOUT_URI_NOT_HTTPS,
        "The back-channel logout URI" + HTTPS_ONLY,
        () -> ClientRules.backchannelLogoutUri("http://site.example/logout"));
    assertEquals(
        URI.create("http://localhost/logout"),
        ClientRules.backchannelLogoutUri("http://localhost/logout"));
  }

  @Test
  void rolesClaimIsAnIdentifier() throws Exception {
    assertEquals("roles", ClientRules.rolesClaim(null));
    assertEquals("Roles", ClientRules.rolesClaim("Roles"));
    assertEquals("_x" + "1".repeat(62), ClientRules.rolesClaim("_x" + "1".repeat(62)));
    for (String bad : List.of("", "1roles", "roles-claim", "a".repeat(65), "role s")) {
      refused(
          Reason.INVALID_ROLES_CLAIM,
          "A roles claim name is a letter or '_' then up to 63 letters, digits or '_'.",
          () -> ClientRules.rolesClaim(bad));
    }
  }

  @Test
  void rolesClaimMayNotNameARegisteredClaim() throws Exception {
    for (String registered :
        List.of(
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "acr",
            "amr",
            "azp",
            "sid",
            "email",
            "email_verified",
            "name",
            "preferred_username",
            "jti",
            "scope",
            "client_id",
            "Email",
            "SUB")) {
      ClientException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              ClientException.class, () -> ClientRules.rolesClaim(registered));
      assertEquals(Reason.INVALID_ROLES_CLAIM, e.reason());
      assertEquals(
          "The roles claim may not be '"
              + registered
              + "': that name is a registered JWT or OpenID Connect claim. Use for example"
              + " 'roles' or 'groups'.",
          e.getMessage());
    }
    assertEquals("groups", ClientRules.rolesClaim("groups"));
    assertEquals("cms_roles", ClientRules.rolesClaim("cms_roles"));
  }
}
