package org.cmsbroker.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cmsbroker.callback.CallbackFormat;
import org.cmsbroker.client.ClientCallback;
import org.cmsbroker.client.ClientException;
import org.cmsbroker.client.ClientRegistration;
import org.cmsbroker.client.ClientType;
import org.cmsbroker.client.ClientUpdate;
import org.cmsbroker.client.NewClient;
import org.cmsbroker.client.RegisteredClient;
import org.junit.jupiter.api.Test;

/** The {@code client.*} commands, dispatched through {@link AdminCommands}. */
class ClientCommandsTest {
  static final String SECRET = "s3cr3t-Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eA";
  static final String CALLBACK_SECRET = "whsec_" + "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I=";

  /** Records the calls; refuses what a test tells it to. */
  static final class FakeClients implements ClientAdministration {
    final List<String> calls = new ArrayList<>();
    final List<RegisteredClient> clients = new ArrayList<>();
    NewClient registered;
    ClientUpdate updated;
    ClientException refusal;

    private void maybeRefuse() throws ClientException {
      if (refusal != null) {
        throw refusal;
      }
    }

    @Override
    public ClientRegistration register(NewClient client) throws ClientException {
      calls.add("register " + client.clientId());
      registered = client;
      maybeRefuse();
      String id = client.clientId() == null ? "generated-id" : client.clientId();
      return new ClientRegistration(
          client(id, client.type()), client.type() == ClientType.PUBLIC ? null : SECRET);
    }

    @Override
    public List<RegisteredClient> list() {
      calls.add("list");
      return clients;
    }

    @Override
    public RegisteredClient update(String clientId, ClientUpdate update) throws ClientException {
      calls.add("update " + clientId);
      updated = update;
      maybeRefuse();
      return client(clientId, ClientType.CONFIDENTIAL);
    }

    @Override
    public String rotateSecret(String clientId) throws ClientException {
      calls.add("rotateSecret " + clientId);
      maybeRefuse();
      return SECRET;
    }

    @Override
    public String rotateCallbackSecret(String clientId) throws ClientException {
      calls.add("rotateCallbackSecret " + clientId);
      maybeRefuse();
      return CALLBACK_SECRET;
    }

    @Override
    public void setCiviCrmCredentials(String clientId, String apiKey, String siteKey)
        throws ClientException {
      calls.add("setCiviCrmCredentials " + clientId + " " + apiKey + " " + siteKey);
      maybeRefuse();
    }

    @Override
    public void setCiviCrmTimeZone(String clientId, String zone) throws ClientException {
      calls.add("setCiviCrmTimeZone " + clientId + " " + zone);
      maybeRefuse();
    }

    @Override
    public void remove(String clientId) throws ClientException {
      calls.add("remove " + clientId);
      maybeRefuse();
    }
  }

  static RegisteredClient client(String id, ClientType type) {
    return new RegisteredClient(
        id,
        "Site " + id,
        type,
        List.of(URI.create("https://" + id + ".example/cb")),
        List.of(),
        Set.of(),
        Set.of("authorization_code", "refresh_token"),
        "ES256",
        null,
        "roles",
        true,
        Instant.parse("2025-01-01T00:00:00Z"),
        Instant.parse("2025-01-01T00:00:00Z"),
        null,
        null);
  }

  private final FakeClients clients = new FakeClients();
  private final AdminCommands commands = new AdminCommands(new NoAccounts(), clients);

  private static AdminRequest request(String command, String... nameValues) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      params.computeIfAbsent(nameValues[i], k -> new ArrayList<>()).add(nameValues[i + 1]);
    }
    return new AdminRequest(command, params);
  }

  @Test
  void addRegistersAConfidentialClientAndShowsTheSecretOnce() {
    AdminResponse response =
        commands.execute(
            request(
                "client.add",
                "name",
                "Main site",
                "client_id",
                "typo3",
                "redirect_uri",
                "https://a.example/cb",
                "redirect_uri",
                "https://b.example/cb",
                "post_logout_redirect_uri",
                "https://a.example/",
                "web_origin",
                "https://a.example",
                "grant_type",
                "authorization_code",
                "id_token_alg",
                "RS256",
                "backchannel_logout_uri",
                "https://a.example/bc",
                "roles_claim",
                "Roles"));

    assertTrue(response.isOk(), response.toString());
    assertEquals(
        List.of(
            "registered client typo3 (confidential)",
            "client secret: " + SECRET,
            "The secret is shown only this once; the broker keeps only its hash. Store it in the"
                + " site's OpenID Connect settings now."),
        response.lines());
    NewClient c = clients.registered;
    assertEquals("Main site", c.displayName());
    assertEquals(ClientType.CONFIDENTIAL, c.type());
    assertEquals(List.of("https://a.example/cb", "https://b.example/cb"), c.redirectUris());
    assertEquals(List.of("https://a.example/"), c.postLogoutRedirectUris());
    assertEquals(List.of("https://a.example"), c.webOrigins());
    assertEquals(List.of("authorization_code"), c.grantTypes());
    assertEquals("RS256", c.idTokenSignedResponseAlg());
    assertEquals("https://a.example/bc", c.backchannelLogoutUri());
    assertEquals("Roles", c.rolesClaim());
  }

  @Test
  void addPublicClientShowsNoSecret() {
    AdminResponse response =
        commands.execute(
            request(
                "client.add",
                "name",
                "App",
                "public",
                "true",
                "redirect_uri",
                "http://localhost/cb"));

    assertEquals(
        List.of("registered client generated-id (public: no secret; it must use PKCE)"),
        response.lines());
    assertEquals(ClientType.PUBLIC, clients.registered.type());
    assertNull(clients.registered.clientId());
    assertNull(clients.registered.rolesClaim());
  }

  @Test
  void addWithoutNameIsABadRequest() {
    AdminResponse response =
        commands.execute(request("client.add", "redirect_uri", "https://a.example/cb"));

    assertEquals("bad_request", response.errorCode());
    assertEquals(List.of("\"name\" is missing"), response.lines());
    assertTrue(clients.calls.isEmpty());
  }

  @Test
  void addDoesNotTakeEnabled() {
    AdminResponse response =
        commands.execute(request("client.add", "name", "x", "enabled", "false"));

    assertEquals("bad_request", response.errorCode());
    assertEquals(List.of("client.add does not take \"enabled\""), response.lines());
  }

  @Test
  void addReturnsTheServiceRefusalWithItsCodeAndMessage() {
    clients.refusal =
        new ClientException(
            ClientException.Reason.REDIRECT_URI_NOT_HTTPS,
            "A redirect URI must use https (http only on localhost, 127.0.0.1 or [::1]).");

    AdminResponse response =
        commands.execute(
            request("client.add", "name", "x", "redirect_uri", "http://site.example/cb"));

    assertEquals("redirect_uri_not_https", response.errorCode());
    assertEquals(
        List.of("A redirect URI must use https (http only on localhost, 127.0.0.1 or [::1])."),
        response.lines());
  }

  @Test
  void updatePassesOnlyTheGivenFieldsAndEmptyValuesClearALIst() {
    AdminResponse response =
        commands.execute(
            request(
                "client.update",
                "client_id",
                "typo3",
                "redirect_uri",
                "https://c.example/cb",
                "web_origin",
                "",
                "enabled",
                "false"));

    assertEquals(List.of("updated client typo3"), response.lines());
    assertEquals(List.of("update typo3"), clients.calls);
    ClientUpdate u = clients.updated;
    assertEquals(List.of("https://c.example/cb"), u.redirectUris());
    assertEquals(List.of(), u.webOrigins());
    assertNull(u.postLogoutRedirectUris());
    assertNull(u.grantTypes());
    assertNull(u.displayName());
    assertNull(u.backchannelLogoutUri());
    assertEquals(Boolean.FALSE, u.enabled());
  }

  @Test
  void updateNeedsTheClientId() {
    AdminResponse response = commands.execute(request("client.update", "name", "x"));

    assertEquals("bad_request", response.errorCode());
    assertEquals(List.of("\"client_id\" is missing"), response.lines());
  }

  @Test
  void updateDoesNotTakePublic() {
    assertEquals(
        "bad_request",
        commands.execute(request("client.update", "client_id", "a", "public", "true")).errorCode());
    assertTrue(clients.calls.isEmpty());
  }

  @Test
  void rotateSecretShowsTheNewSecretOnce() {
    AdminResponse response =
        commands.execute(request("client.rotate_secret", "client_id", "typo3"));

    assertEquals(
        List.of(
            "new secret for client typo3; the old one no longer works",
            "client secret: " + SECRET,
            ClientCommands.NOT_SHOWN_AGAIN),
        response.lines());
  }

  @Test
  void rotateSecretOfAPublicClientIsRefused() {
    clients.refusal =
        new ClientException(
            ClientException.Reason.PUBLIC_CLIENT_HAS_NO_SECRET,
            "A public client has no secret to rotate.");

    AdminResponse response = commands.execute(request("client.rotate_secret", "client_id", "spa"));

    assertEquals("public_client_has_no_secret", response.errorCode());
    assertEquals(List.of("A public client has no secret to rotate."), response.lines());
  }

  @Test
  void removeOfAnUnknownClientIsRefused() {
    clients.refusal =
        new ClientException(ClientException.Reason.NO_SUCH_CLIENT, "There is no such client.");

    AdminResponse response = commands.execute(request("client.remove", "client_id", "nobody"));

    assertEquals("no_such_client", response.errorCode());
    assertEquals(List.of("There is no such client."), response.lines());
  }

  @Test
  void removeSaysWhatItRemoved() {
    assertEquals(
        List.of("removed client typo3"),
        commands.execute(request("client.remove", "client_id", "typo3")).lines());
    assertEquals(List.of("remove typo3"), clients.calls);
  }

  @Test
  void listWithNoClientsSaysSo() {
    assertEquals(List.of("no clients"), commands.execute(request("client.list")).lines());
  }

  @Test
  void listIsATableWithoutSecrets() {
    clients.clients.add(
        new RegisteredClient(
            "typo3",
            "Main site",
            ClientType.CONFIDENTIAL,
            List.of(URI.create("https://a.example/cb"), URI.create("https://b.example/cb")),
            List.of(URI.create("https://a.example/")),
            Set.of("https://a.example"),
            Set.of("authorization_code"),
            "RS256",
            URI.create("https://a.example/bc"),
            "Roles",
            false,
            Instant.parse("2025-01-01T00:00:00Z"),
            Instant.parse("2025-01-02T00:00:00Z"),
            Instant.parse("2025-01-03T04:05:06.789Z"),
            new ClientCallback(
                URI.create("https://crm.a.example/hook"),
                CallbackFormat.STANDARD_WEBHOOKS,
                true,
                Instant.parse("2025-02-03T04:05:06Z"))));
    clients.clients.add(client("spa", ClientType.PUBLIC));

    List<String> lines = commands.execute(request("client.list")).lines();

    assertEquals(3, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).startsWith("CLIENT ID "), lines.get(0));
    assertEquals(
        List.of(
            "typo3",
            "Main site",
            "confidential",
            "disabled",
            "authorization_code",
            "RS256",
            "Roles",
            "2025-01-03T04:05:06Z",
            "https://a.example/cb,https://b.example/cb",
            "https://a.example/",
            "https://a.example",
            "https://a.example/bc",
            "https://crm.a.example/hook",
            "standard-webhooks",
            "set 2025-02-03T04:05:06Z"),
        Arrays.asList(lines.get(1).split("\\s{2,}")));
    assertTrue(lines.get(2).matches(".* -\\s+standard-webhooks\\s+none"), lines.get(2));
    assertTrue(lines.get(2).startsWith("spa "));
    assertTrue(lines.get(2).contains(" public "));
    assertFalse(String.join("\n", lines).contains("secret:"));
  }

  @Test
  void listTakesNoParameters() {
    assertEquals(
        "bad_request", commands.execute(request("client.list", "client_id", "x")).errorCode());
  }

  @Test
  void unknownClientCommandIsRefused() {
    AdminResponse response = commands.execute(request("client.delete", "client_id", "a"));

    assertEquals("unknown_command", response.errorCode());
  }

  /** Account administration that no client command may touch. */
  static final class NoAccounts implements AccountAdministration {
    @Override
    public org.cmsbroker.account.AccountView create(
        org.cmsbroker.account.NewAccount account, char[] password) {
      throw new AssertionError();
    }

    @Override
    public List<org.cmsbroker.account.AccountView> list() {
      throw new AssertionError();
    }

    @Override
    public Changed disable(String username) {
      throw new AssertionError();
    }

    @Override
    public org.cmsbroker.account.AccountView enable(String username) {
      throw new AssertionError();
    }

    @Override
    public org.cmsbroker.account.AccountView unlock(String username) {
      throw new AssertionError();
    }

    @Override
    public Changed setPassword(String username, char[] password) {
      throw new AssertionError();
    }
  }

  @Test
  void updateSetsTheCallbackUrlAndFormat() {
    AdminResponse response =
        commands.execute(
            request(
                "client.update",
                "client_id",
                "civi",
                "callback_url",
                "https://crm.example.org/",
                "callback_format",
                "civicrm"));

    assertTrue(response.isOk(), response.lines().toString());
    assertEquals("https://crm.example.org/", clients.updated.callbackUrl());
    assertEquals("civicrm", clients.updated.callbackFormat());
    assertNull(clients.updated.redirectUris());
  }

  @Test
  void rotateCallbackSecretShowsTheNewSecretOnce() {
    AdminResponse response =
        commands.execute(request("client.rotate_callback_secret", "client_id", "typo3"));

    assertEquals(
        List.of(
            "new callback secret for client typo3; the old one no longer signs",
            "callback secret: " + CALLBACK_SECRET,
            ClientCommands.CALLBACK_NOT_SHOWN_AGAIN),
        response.lines());
    assertEquals(List.of("rotateCallbackSecret typo3"), clients.calls);
  }

  @Test
  void rotateCallbackSecretOfACiviCrmClientIsRefusedWithTheServicesMessage() {
    clients.refusal =
        new ClientException(ClientException.Reason.CALLBACK_FORMAT_MISMATCH, "Wrong format.");

    AdminResponse response =
        commands.execute(request("client.rotate_callback_secret", "client_id", "civi"));

    assertEquals("callback_format_mismatch", response.errorCode());
    assertEquals(List.of("Wrong format."), response.lines());
  }

  @Test
  void setCiviCrmCredentialsNeverShowsTheKeys() {
    AdminResponse response =
        commands.execute(
            request(
                "client.set_civicrm_credentials",
                "client_id",
                "civi",
                "api_key",
                "apiKey123",
                "site_key",
                "siteKey456"));

    assertEquals(
        List.of("CiviCRM credentials stored for client civi (API key and site key)"),
        response.lines());
    assertEquals(List.of("setCiviCrmCredentials civi apiKey123 siteKey456"), clients.calls);
  }

  @Test
  void setCiviCrmCredentialsWithoutSiteKeyStoresNone() {
    AdminResponse response =
        commands.execute(
            request("client.set_civicrm_credentials", "client_id", "civi", "api_key", "apiKey123"));

    assertEquals(
        List.of("CiviCRM credentials stored for client civi (API key; no site key)"),
        response.lines());
    assertEquals(List.of("setCiviCrmCredentials civi apiKey123 null"), clients.calls);
  }

  @Test
  void setCiviCrmCredentialsNeedsTheApiKey() {
    AdminResponse response =
        commands.execute(request("client.set_civicrm_credentials", "client_id", "civi"));

    assertEquals("bad_request", response.errorCode());
    assertEquals(List.of("\"api_key\" is missing"), response.lines());
    assertTrue(clients.calls.isEmpty());
  }
}
