package org.cmsbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.cmsbroker.callback.CallbackFormat;
import org.cmsbroker.callback.CallbackTarget;
import org.cmsbroker.callback.StandardWebhookSigner;
import org.cmsbroker.client.ClientException.Reason;
import org.cmsbroker.crypto.TestCiphers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-client callback settings: URL and format, encrypted credentials, the target they make. */
class ClientCallbackServiceTest {
  private static final Instant NOW = Instant.parse("2025-06-01T08:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ClientService service;
  private InMemoryClientStore store;
  private RecordedEvents events;

  @BeforeEach
  void newService() throws Exception {
    store = new InMemoryClientStore();
    events = new RecordedEvents();
    service = new ClientService();
    service.store = store;
    service.events = events;
    service.cipher = TestCiphers.fresh(RANDOM);
    service.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    for (String id : List.of("site-a", "site-b")) {
      service.register(
          new NewClient(
              id,
              "Site",
              ClientType.CONFIDENTIAL,
              List.of(),
              List.of(),
              List.of(),
              List.of("client_credentials"),
              null,
              null,
              null));
    }
    events.recorded.clear();
  }

  private static ClientUpdate callback(String url, String format) {
    return new ClientUpdate(null, null, null, null, null, null, null, null, null, url, format);
  }

  @Test
  void aNewClientHasNoCallbackAndNoTarget() {
    RegisteredClient client = service.find("site-a").orElseThrow();
    assertEquals(ClientCallback.NONE, client.callback());
    assertEquals(Optional.empty(), service.callbackTarget("site-a"));
  }

  @Test
  void urlAndFormatAreSetByUpdateAndRecordedByName() throws Exception {
    RegisteredClient updated =
        service.update("site-a", callback("https://crm.example.org/hook", "standard-webhooks"));

    assertEquals(URI.create("https://crm.example.org/hook"), updated.callback().url());
    assertEquals(CallbackFormat.STANDARD_WEBHOOKS, updated.callback().format());
    assertFalse(updated.callback().credentialsSet());
    assertEquals(List.of("client.updated site-a callback_url,callback_format"), events.recorded);
  }

  @Test
  void anEmptyUrlRemovesTheCallbackUrl() throws Exception {
    service.update("site-a", callback("https://crm.example.org/hook", null));
    service.rotateCallbackSecret("site-a");

    RegisteredClient updated = service.update("site-a", callback("", null));

    assertNull(updated.callback().url());
    assertEquals(Optional.empty(), service.callbackTarget("site-a"));
  }

  @Test
  void aBadUrlChangesNothing() throws Exception {
    service.update("site-a", callback("https://crm.example.org/hook", null));
    ClientException e =
        assertThrows(
            ClientException.class,
            () -> service.update("site-a", callback("http://crm.example.org/hook", "civicrm")));

    assertEquals(Reason.CALLBACK_URL_NOT_HTTPS, e.reason());
    RegisteredClient client = service.find("site-a").orElseThrow();
    assertEquals(URI.create("https://crm.example.org/hook"), client.callback().url());
    assertEquals(CallbackFormat.STANDARD_WEBHOOKS, client.callback().format());
  }

  @Test
  void rotatedSecretIsReturnedOnceStoredEncryptedAndSignsForTheTarget() throws Exception {
    service.update("site-a", callback("https://crm.example.org/hook", null));

    String secret = service.rotateCallbackSecret("site-a");

    assertTrue(secret.startsWith("whsec_"));
    new StandardWebhookSigner(secret);
    OAuthClient stored = store.clients.get("site-a");
    assertTrue(stored.callbackSecret().startsWith("v3:"));
    assertFalse(stored.callbackSecret().contains(secret.substring(6)));
    assertEquals(
        Optional.of(new CallbackTarget(URI.create("https://crm.example.org/hook"), secret)),
        service.callbackTarget("site-a"));
    RegisteredClient client = service.find("site-a").orElseThrow();
    assertTrue(client.callback().credentialsSet());
    assertEquals(NOW, client.callback().credentialsChangedAt());
    assertFalse(client.toString().contains(secret));
    assertEquals(
        List.of("client.updated site-a callback_url", "client.callback_secret_rotated site-a"),
        events.recorded);
  }

  @Test
  void rotationReplacesTheSecret() throws Exception {
    service.update("site-a", callback("https://crm.example.org/hook", null));
    String first = service.rotateCallbackSecret("site-a");
    String second = service.rotateCallbackSecret("site-a");

    assertNotEquals(first, second);
    assertEquals(second, service.callbackTarget("site-a").orElseThrow().secret());
  }

  @Test
  void aSecretCopiedToAnotherClientDoesNotDecrypt() throws Exception {
    for (String id : List.of("site-a", "site-b")) {
      service.update(id, callback("https://crm.example.org/" + id, null));
      service.rotateCallbackSecret(id);
    }
    OAuthClient a = store.clients.get("site-a");
    OAuthClient b = store.clients.get("site-b");
    b.setCallbackSecret(a.callbackSecret(), null);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> service.callbackTarget("site-b"));
    assertFalse(e.getMessage().contains("whsec_"));
  }

  @Test
  void aDisabledOrUnknownClientHasNoTarget() throws Exception {
    service.update("site-a", callback("https://crm.example.org/hook", null));
    service.rotateCallbackSecret("site-a");
    service.update(
        "site-a",
        new ClientUpdate(null, null, null, null, null, null, null, null, false, null, null));

    assertEquals(Optional.empty(), service.callbackTarget("site-a"));
    assertEquals(Optional.empty(), service.callbackTarget("nobody"));
    assertEquals(Optional.empty(), service.callbackTarget(null));
  }

  @Test
  void aUrlWithoutSecretMakesNoTarget() throws Exception {
    service.update("site-a", callback("https://crm.example.org/hook", null));
    assertEquals(Optional.empty(), service.callbackTarget("site-a"));
  }

  @Test
  void civicrmCredentialsAreStoredEncryptedAndMakeACiviCrmTarget() throws Exception {
    service.update("site-a", callback("https://crm.example.org/", "civicrm"));

    service.setCiviCrmCredentials("site-a", "apiKey123", "siteKey456");

    OAuthClient stored = store.clients.get("site-a");
    assertTrue(stored.civicrmApiKey().startsWith("v3:"));
    assertFalse(stored.civicrmApiKey().contains("apiKey123"));
    assertFalse(stored.civicrmSiteKey().contains("siteKey456"));
    assertEquals(
        Optional.of(
            new CallbackTarget(
                URI.create("https://crm.example.org/"),
                CallbackFormat.CIVICRM,
                "apiKey123",
                "siteKey456",
                null)),
        service.callbackTarget("site-a"));
    assertTrue(service.find("site-a").orElseThrow().callback().credentialsSet());
    assertEquals("client.civicrm_credentials_set site-a api_key,site_key", events.recorded.get(1));
  }

  @Test
  void civicrmSiteKeyIsOptionalAndReplacedWithTheApiKey() throws Exception {
    service.update("site-a", callback("https://crm.example.org/", "civicrm"));
    service.setCiviCrmCredentials("site-a", "apiKey123", "siteKey456");

    service.setCiviCrmCredentials("site-a", "apiKey789", null);

    CallbackTarget target = service.callbackTarget("site-a").orElseThrow();
    assertEquals("apiKey789", target.secret());
    assertNull(target.siteKey());
  }

  @Test
  void civicrmCredentialsNeedTheCiviCrmFormat() {
    ClientException e =
        assertThrows(
            ClientException.class, () -> service.setCiviCrmCredentials("site-a", "key", null));
    assertEquals(Reason.CALLBACK_FORMAT_MISMATCH, e.reason());
    assertEquals(
        "The client's callback format is standard-webhooks: CiviCRM credentials need"
            + " --callback-format civicrm first.",
        e.getMessage());
  }

  @Test
  void aSigningSecretNeedsTheStandardWebhooksFormat() throws Exception {
    service.update("site-a", callback(null, "civicrm"));
    ClientException e =
        assertThrows(ClientException.class, () -> service.rotateCallbackSecret("site-a"));
    assertEquals(Reason.CALLBACK_FORMAT_MISMATCH, e.reason());
    assertEquals(
        "The client's callback format is civicrm: a signing secret is for standard-webhooks (use"
            + " set-civicrm-credentials).",
        e.getMessage());
  }

  @Test
  void malformedCiviCrmKeysAreRefusedWithoutRepeatingThem() throws Exception {
    service.update("site-a", callback(null, "civicrm"));
    ClientException api =
        assertThrows(
            ClientException.class,
            () -> service.setCiviCrmCredentials("site-a", "secret with space", null));
    assertEquals(Reason.INVALID_CIVICRM_API_KEY, api.reason());
    assertFalse(api.getMessage().contains("secret with"));
    ClientException site =
        assertThrows(
            ClientException.class, () -> service.setCiviCrmCredentials("site-a", "ok", "bad key"));
    assertEquals(Reason.INVALID_CIVICRM_SITE_KEY, site.reason());
    assertNull(store.clients.get("site-a").civicrmApiKey());
  }

  @Test
  void callbackOperationsOnAnUnknownClientAreRefused() {
    assertEquals(
        Reason.NO_SUCH_CLIENT,
        assertThrows(ClientException.class, () -> service.rotateCallbackSecret("nobody")).reason());
    assertEquals(
        Reason.NO_SUCH_CLIENT,
        assertThrows(
                ClientException.class, () -> service.setCiviCrmCredentials("nobody", "k", null))
            .reason());
  }
}
