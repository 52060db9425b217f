package org.cmsbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.cmsbroker.client.ClientException.Reason;
import org.cmsbroker.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClientServiceTest {
  private static final Instant NOW = Instant.parse("2025-06-01T08:00:00Z");

  private ClientService service;
  private InMemoryClientStore store;
  private RecordedEvents events;
  private MutableClock clock;

  @BeforeEach
  void newService() {
    store = new InMemoryClientStore();
    events = new RecordedEvents();
    service = new ClientService();
    service.store = store;
    service.events = events;
    clock = new MutableClock(NOW);
    service.clock = clock;
  }

  private static NewClient site(String clientId) {
    return new NewClient(
        clientId,
        "Example site",
        ClientType.CONFIDENTIAL,
        List.of("https://site.example/callback"),
        List.of(),
        List.of(),
        List.of(),
        null,
        null,
        null);
  }

  private static NewClient publicApp(String clientId) {
    return new NewClient(
        clientId,
        "App",
        ClientType.PUBLIC,
        List.of("http://localhost:8080/cb"),
        null,
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void registerConfidentialClientReturnsASecretOnceAndStoresOnlyItsHash() throws Exception {
    ClientRegistration registration = service.register(site("typo3-main"));

    String secret = registration.secret();
    assertEquals(43, secret.length());
    OAuthClient stored = store.clients.get("typo3-main");
    assertEquals(ClientSecrets.hash(secret), stored.secretHash());
    assertNotEquals(secret, stored.secretHash());
    assertEquals(NOW, registration.client().secretRotatedAt());
    assertFalse(registration.toString().contains(secret));
    assertEquals(List.of("client.registered typo3-main confidential"), events.recorded);
  }

  @Test
  void registerAppliesTheDefaults() throws Exception {
    RegisteredClient client = service.register(site("typo3-main")).client();

    assertEquals("ES256", client.idTokenSignedResponseAlg());
    assertEquals("roles", client.rolesClaim());
    assertEquals(
        Set.of("authorization_code", "refresh_token", "client_credentials"), client.grantTypes());
    assertTrue(client.enabled());
    assertNull(client.backchannelLogoutUri());
    assertEquals(List.of(URI.create("https://site.example/callback")), client.redirectUris());
  }

  @Test
  void publicClientHasNoSecretAndDefaultGrants() throws Exception {
    ClientRegistration registration = service.register(publicApp("spa"));

    assertNull(registration.secret());
    assertNull(store.clients.get("spa").secretHash());
    assertTrue(registration.client().isPublic());
    assertEquals(Set.of("authorization_code", "refresh_token"), registration.client().grantTypes());
  }

  @Test
  void registerWithoutClientIdGeneratesARandomOne() throws Exception {
    String first = service.register(site(null)).client().clientId();
    String second = service.register(site("")).client().clientId();

    assertTrue(first.matches("[0-9a-f]{32}"), first);
    assertNotEquals(first, second);
  }

  @Test
  void registerKeepsRedirectUrisExactlyAsGiven() throws Exception {
    NewClient request =
        new NewClient(
            "exact",
            "Exact",
            ClientType.CONFIDENTIAL,
            List.of("https://Site.Example:443/cb?x=1&y=%41", "https://site.example/cb"),
            List.of("https://site.example/bye"),
            List.of("https://Site.Example:8443"),
            List.of("authorization_code"),
            "RS256",
            "https://site.example/backchannel",
            "Roles");

    RegisteredClient client = service.register(request).client();

    assertTrue(client.hasRedirectUri("https://Site.Example:443/cb?x=1&y=%41"));
    assertFalse(client.hasRedirectUri("https://site.example:443/cb?x=1&y=%41"));
    assertFalse(client.hasRedirectUri("https://site.example/cb/"));
    assertTrue(client.hasPostLogoutRedirectUri("https://site.example/bye"));
    assertEquals(Set.of("https://site.example:8443"), client.webOrigins());
    assertEquals("RS256", client.idTokenSignedResponseAlg());
    assertEquals("Roles", client.rolesClaim());
    assertEquals(URI.create("https://site.example/backchannel"), client.backchannelLogoutUri());
    assertEquals(client, service.find("exact").orElseThrow());
  }

  @Test
  void registerRefusesATakenClientId() throws Exception {
    service.register(site("taken"));

    ClientException e = assertThrows(ClientException.class, () -> service.register(site("taken")));

    assertEquals(Reason.CLIENT_ID_TAKEN, e.reason());
    assertEquals("That client id is already registered.", e.getMessage());
  }

  @Test
  void registerRefusesAnInvalidField() {
    ClientException e = assertThrows(ClientException.class, () -> service.register(site("a b")));

    assertEquals(Reason.INVALID_CLIENT_ID, e.reason());
    assertTrue(store.clients.isEmpty());
    assertTrue(events.recorded.isEmpty());
  }

  @Test
  void authenticateAcceptsTheRightSecret() throws Exception {
    String secret = service.register(site("site")).secret();

    assertEquals("site", service.authenticate("site", secret).orElseThrow().clientId());
  }

  @Test
  void authenticateRejectsAWrongSecret() throws Exception {
    String secret = service.register(site("site")).secret();

    assertTrue(service.authenticate("site", secret.substring(1)).isEmpty());
    assertTrue(service.authenticate("site", secret + "x").isEmpty());
    assertTrue(service.authenticate("site", "").isEmpty());
    assertTrue(service.authenticate("site", null).isEmpty());
  }

  @Test
  void authenticateRejectsAnUnknownClient() throws Exception {
    String secret = service.register(site("site")).secret();

    assertTrue(service.authenticate("other", secret).isEmpty());
    assertTrue(service.authenticate(null, secret).isEmpty());
    assertTrue(service.authenticate("x".repeat(65), secret).isEmpty());
  }

  @Test
  void authenticateNeverAcceptsAPublicClient() throws Exception {
    service.register(publicApp("spa"));

    assertTrue(service.authenticate("spa", "").isEmpty());
    assertTrue(service.authenticate("spa", null).isEmpty());
    assertTrue(service.authenticate("spa", "anything").isEmpty());
  }

  @Test
  void authenticateRejectsADisabledClient() throws Exception {
    String secret = service.register(site("site")).secret();
    service.update(
        "site",
        new ClientUpdate(null, null, null, null, null, null, null, null, false, null, null));

    assertTrue(service.authenticate("site", secret).isEmpty());
    assertFalse(service.find("site").orElseThrow().enabled());

    service.update(
        "site", new ClientUpdate(null, null, null, null, null, null, null, null, true, null, null));
    assertTrue(service.authenticate("site", secret).isPresent());
  }

  @Test
  void rotateSecretReplacesTheSecret() throws Exception {
    String old = service.register(site("site")).secret();
    clock.advance(Duration.ofSeconds(60));

    String rotated = service.rotateSecret("site");

    assertNotEquals(old, rotated);
    assertTrue(service.authenticate("site", old).isEmpty());
    assertTrue(service.authenticate("site", rotated).isPresent());
    assertEquals(NOW.plusSeconds(60), service.find("site").orElseThrow().secretRotatedAt());
    assertEquals("client.secret_rotated site", events.recorded.get(1));
    assertTrue(events.recorded.stream().noneMatch(e -> e.contains(rotated) || e.contains(old)));
  }

  @Test
  void rotateSecretRefusesAPublicClient() throws Exception {
    service.register(publicApp("spa"));

    ClientException e = assertThrows(ClientException.class, () -> service.rotateSecret("spa"));

    assertEquals(Reason.PUBLIC_CLIENT_HAS_NO_SECRET, e.reason());
  }

  @Test
  void commandsOnAnUnknownClientAreRefused() {
    for (var call :
        List.<org.junit.jupiter.api.function.Executable>of(
            () -> service.rotateSecret("nobody"),
            () -> service.remove("nobody"),
            () ->
                service.update(
                    "nobody",
                    new ClientUpdate(
                        "x", null, null, null, null, null, null, null, null, null, null)))) {
      ClientException e = assertThrows(ClientException.class, call);
      assertEquals(Reason.NO_SUCH_CLIENT, e.reason());
      assertEquals("There is no such client.", e.getMessage());
    }
  }

  @Test
  void updateReplacesOnlyTheGivenFields() throws Exception {
    service.register(
        new NewClient(
            "site",
            "Old name",
            ClientType.CONFIDENTIAL,
            List.of("https://a.example/cb", "https://b.example/cb"),
            List.of("https://a.example/bye"),
            List.of("https://a.example"),
            null,
            null,
            "https://a.example/bc",
            null));

    RegisteredClient updated =
        service.update(
            "site",
            new ClientUpdate(
                "New name",
                List.of("https://c.example/cb"),
                null,
                List.of(),
                List.of("authorization_code"),
                "RS256",
                "",
                "Roles",
                null,
                null,
                null));

    assertEquals("New name", updated.displayName());
    assertEquals(List.of(URI.create("https://c.example/cb")), updated.redirectUris());
    assertEquals(List.of(URI.create("https://a.example/bye")), updated.postLogoutRedirectUris());
    assertEquals(Set.of(), updated.webOrigins());
    assertEquals(Set.of("authorization_code"), updated.grantTypes());
    assertEquals("RS256", updated.idTokenSignedResponseAlg());
    assertNull(updated.backchannelLogoutUri());
    assertEquals("Roles", updated.rolesClaim());
    assertEquals(
        "client.updated site display_name,redirect_uris,web_origins,grant_types,"
            + "id_token_signed_response_alg,backchannel_logout_uri,roles_claim",
        events.recorded.get(1));
  }

  @Test
  void updateThatChangesNothingIsRefused() throws Exception {
    service.register(site("site"));

    ClientException e =
        assertThrows(
            ClientException.class,
            () ->
                service.update(
                    "site",
                    new ClientUpdate(
                        null, null, null, null, null, null, null, null, null, null, null)));

    assertEquals(Reason.NOTHING_TO_CHANGE, e.reason());
  }

  @Test
  void updateRefusesClientCredentialsForAPublicClient() throws Exception {
    service.register(publicApp("spa"));

    ClientException e =
        assertThrows(
            ClientException.class,
            () ->
                service.update(
                    "spa",
                    new ClientUpdate(
                        null,
                        null,
                        null,
                        null,
                        List.of("client_credentials"),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null)));

    assertEquals(Reason.PUBLIC_CLIENT_CREDENTIALS, e.reason());
  }

  @Test
  void updateRefusesAnEmptySetOfGrantTypes() throws Exception {
    service.register(site("site"));

    ClientException e =
        assertThrows(
            ClientException.class,
            () ->
                service.update(
                    "site",
                    new ClientUpdate(
                        null, null, null, null, List.of(), null, null, null, null, null, null)));

    assertEquals(Reason.NO_GRANT_TYPE, e.reason());
  }

  @Test
  void updateRefusesRemovingTheLastRedirectUriOfAnAuthorizationCodeClient() throws Exception {
    service.register(site("site"));

    ClientException e =
        assertThrows(
            ClientException.class,
            () ->
                service.update(
                    "site",
                    new ClientUpdate(
                        null, List.of(), null, null, null, null, null, null, null, null, null)));

    assertEquals(Reason.MISSING_REDIRECT_URI, e.reason());
  }

  @Test
  void removeDeletesTheClientAndItsSecretStopsWorking() throws Exception {
    String secret = service.register(site("site")).secret();

    service.remove("site");

    assertTrue(service.find("site").isEmpty());
    assertTrue(service.list().isEmpty());
    assertTrue(service.authenticate("site", secret).isEmpty());
    assertEquals("client.removed site", events.recorded.get(1));
  }

  @Test
  void listIsByClientId() throws Exception {
    service.register(site("b-site"));
    service.register(site("a-site"));

    assertEquals(
        List.of("a-site", "b-site"),
        service.list().stream().map(RegisteredClient::clientId).toList());
  }
}
