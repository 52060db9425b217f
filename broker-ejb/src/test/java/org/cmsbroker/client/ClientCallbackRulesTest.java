package org.cmsbroker.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.cmsbroker.callback.CallbackFormat;
import org.cmsbroker.client.ClientException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The callback URL, format and CiviCRM key rules: one test per refusal, exact messages. */
class ClientCallbackRulesTest {
  private static void refused(Reason reason, String message, Executable call) {
    ClientException e = assertThrows(ClientException.class, call);
    assertEquals(reason, e.reason());
    assertEquals(message, e.getMessage());
  }

  @Test
  void callbackUrlMayBeHttpsOrHttpOnLoopbackAndEmptyMeansNone() throws Exception {
    assertEquals(
        URI.create("https://crm.example.org/civicrm/callback?site=1"),
        ClientRules.callbackUrl("https://crm.example.org/civicrm/callback?site=1"));
    assertEquals(
        URI.create("http://127.0.0.1:8080/hook"),
        ClientRules.callbackUrl("http://127.0.0.1:8080/hook"));
    assertEquals(URI.create("http://[::1]/hook"), ClientRules.callbackUrl("http://[::1]/hook"));
    assertEquals(
        URI.create("http://localhost/hook"), ClientRules.callbackUrl("http://localhost/hook"));
    assertNull(ClientRules.callbackUrl(""));
    assertNull(ClientRules.callbackUrl(null));
  }

  @Test
  void callbackUrlIsAtMost2048Characters() throws Exception {
    String base = "https://crm.example.org/";
    String longest = base + "a".repeat(2048 - base.length());
    assertEquals(URI.create(longest), ClientRules.callbackUrl(longest));
    refused(
        Reason.INVALID_CALLBACK_URL,
        "The callback URL must be at most 2048 characters.",
        () -> ClientRules.callbackUrl(longest + "a"));
  }

  @Test
  void callbackUrlMustBeHttpsOffLoopback() {
    refused(
        Reason.CALLBACK_URL_NOT_HTTPS,
        "The callback URL must use https (http only on localhost, 127.0.0.1 or [::1]).",
        () -> ClientRules.callbackUrl("http://crm.example.org/hook"));
    refused(
        Reason.CALLBACK_URL_NOT_HTTPS,
        "The callback URL must use https (http only on localhost, 127.0.0.1 or [::1]).",
        () -> ClientRules.callbackUrl("ftp://crm.example.org/hook"));
  }

  @Test
  void callbackUrlMustBeAbsoluteWithAHost() {
    String message = "The callback URL must be an absolute URL with a host.";
    refused(Reason.INVALID_CALLBACK_URL, message, () -> ClientRules.callbackUrl("/hook"));
    refused(Reason.INVALID_CALLBACK_URL, message, () -> ClientRules.callbackUrl("mailto:a@b.org"));
    refused(Reason.INVALID_CALLBACK_URL, message, () -> ClientRules.callbackUrl("https:///hook"));
  }

  @Test
  void callbackUrlMustNotCarryUserInformation() {
    refused(
        Reason.INVALID_CALLBACK_URL,
        "The callback URL must not contain user information (user:password@).",
        () -> ClientRules.callbackUrl("https://admin:pw@crm.example.org/hook"));
  }

  @Test
  void callbackUrlMustNotHaveAFragment() {
    refused(
        Reason.INVALID_CALLBACK_URL,
        "The callback URL must not have a fragment (#...).",
        () -> ClientRules.callbackUrl("https://crm.example.org/hook#x"));
  }

  @Test
  void callbackUrlMustNotContainSpacesOrControls() {
    String message = "The callback URL must not contain spaces or control characters.";
    refused(
        Reason.INVALID_CALLBACK_URL,
        message,
        () -> ClientRules.callbackUrl("https://crm.example.org/a b"));
    refused(
        Reason.INVALID_CALLBACK_URL,
        message,
        () -> ClientRules.callbackUrl("https://crm.example.org/\nx"));
  }

  @Test
  void callbackUrlMustParse() {
    refused(
        Reason.INVALID_CALLBACK_URL,
        "The callback URL is not a valid URI.",
        () -> ClientRules.callbackUrl("https://crm.example.org/%zz"));
  }

  @Test
  void callbackFormatIsOneOfTwoNames() throws Exception {
    assertEquals(CallbackFormat.CIVICRM, ClientRules.callbackFormat("civicrm"));
    assertEquals(CallbackFormat.STANDARD_WEBHOOKS, ClientRules.callbackFormat("standard-webhooks"));
    refused(
        Reason.INVALID_CALLBACK_FORMAT,
        "The callback format is standard-webhooks or civicrm.",
        () -> ClientRules.callbackFormat("json"));
  }

  @Test
  void civicrmKeysArePrintableAsciiWithoutSpacesAndNeverRepeated() throws Exception {
    String message = "The API key must be 1 to 512 printable ASCII characters without spaces.";
    assertEquals(
        "abc123", ClientRules.civicrmKey("abc123", Reason.INVALID_CIVICRM_API_KEY, "The API key"));
    for (String bad : new String[] {"", "with space", "x".repeat(513), "ключ", "tab\tkey"}) {
      ClientException e =
          assertThrows(
              ClientException.class,
              () -> ClientRules.civicrmKey(bad, Reason.INVALID_CIVICRM_API_KEY, "The API key"));
      assertEquals(Reason.INVALID_CIVICRM_API_KEY, e.reason());
      assertEquals(message, e.getMessage());
    }
  }
}
