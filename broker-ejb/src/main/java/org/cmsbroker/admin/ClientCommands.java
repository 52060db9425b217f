package org.cmsbroker.admin;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.cmsbroker.client.ClientCallback;
import org.cmsbroker.client.ClientException;
import org.cmsbroker.client.ClientRegistration;
import org.cmsbroker.client.ClientType;
import org.cmsbroker.client.ClientUpdate;
import org.cmsbroker.client.NewClient;
import org.cmsbroker.client.RegisteredClient;

/**
 * The {@code client.*} admin commands: {@code client.add}, {@code client.list}, {@code
 * client.update}, {@code client.rotate_secret}, {@code client.rotate_callback_secret}, {@code
 * client.set_civicrm_credentials}, {@code client.remove}. A secret appears in the answer of {@code
 * client.add}, {@code client.rotate_secret} and {@code client.rotate_callback_secret} only, once;
 * never in a list, a refusal or a log. CiviCRM keys come in ({@code api_key}, {@code site_key}) and
 * are never shown. Repeatable parameters ({@code redirect_uri}, {@code post_logout_redirect_uri},
 * {@code web_origin}, {@code grant_type}) replace the whole list on update; sent once with an empty
 * value they clear it. Thread-safe if the administration is.
 */
final class ClientCommands {
  static final String CLIENT_ID = "client_id";
  static final String NOT_SHOWN_AGAIN =
      "The secret is shown only this once; the broker keeps only its hash. Store it in the site's"
          + " OpenID Connect settings now.";

  private static final String NAME = "name";
  private static final String PUBLIC = "public";
  private static final String REDIRECT_URI = "redirect_uri";
  private static final String POST_LOGOUT_REDIRECT_URI = "post_logout_redirect_uri";
  private static final String WEB_ORIGIN = "web_origin";
  private static final String GRANT_TYPE = "grant_type";
  private static final String ID_TOKEN_ALG = "id_token_alg";
  private static final String BACKCHANNEL_LOGOUT_URI = "backchannel_logout_uri";
  private static final String ROLES_CLAIM = "roles_claim";
  private static final String ENABLED = "enabled";
  private static final String CALLBACK_URL = "callback_url";
  private static final String CALLBACK_FORMAT = "callback_format";
  private static final String CIVICRM_TIMEZONE = "civicrm_timezone";
  static final String API_KEY = "api_key";
  static final String SITE_KEY = "site_key";
  static final String CALLBACK_NOT_SHOWN_AGAIN =
      "The callback secret is shown only this once. Configure it in the receiver now (it verifies"
          + " webhook-signature with it); callbacks are signed with it from now on.";

  private static final Set<String> SETTINGS =
      Set.of(
          NAME,
          REDIRECT_URI,
          POST_LOGOUT_REDIRECT_URI,
          WEB_ORIGIN,
          GRANT_TYPE,
          ID_TOKEN_ALG,
          BACKCHANNEL_LOGOUT_URI,
          ROLES_CLAIM);
  private static final Set<String> ADD = union(SETTINGS, Set.of(CLIENT_ID, PUBLIC));
  private static final Set<String> UPDATE =
      union(SETTINGS, Set.of(CLIENT_ID, ENABLED, CALLBACK_URL, CALLBACK_FORMAT, CIVICRM_TIMEZONE));

  static final List<String> COLUMNS =
      List.of(
          "CLIENT ID",
          "NAME",
          "TYPE",
          "STATE",
          "GRANT TYPES",
          "ID TOKEN ALG",
          "ROLES CLAIM",
          "SECRET ROTATED",
          "REDIRECT URIS",
          "POST-LOGOUT REDIRECT URIS",
          "WEB ORIGINS",
          "BACK-CHANNEL LOGOUT URI",
          "CALLBACK URL",
          "CALLBACK FORMAT",
          "CALLBACK CREDENTIALS");

  private final ClientAdministration clients;

  ClientCommands(ClientAdministration clients) {
    this.clients = Objects.requireNonNull(clients, "clients");
  }

  /** Runs one {@code client.*} request. */
  AdminResponse execute(AdminRequest request) throws AdminProtocolException {
    try {
      return switch (request.command()) {
        case "client.add" -> add(request);
        case "client.list" -> list(request);
        case "client.update" -> update(request);
        case "client.rotate_secret" -> rotateSecret(request);
        case "client.rotate_callback_secret" -> rotateCallbackSecret(request);
        case "client.set_civicrm_credentials" -> setCiviCrmCredentials(request);
        case "client.remove" -> remove(request);
        default ->
            throw new AdminProtocolException(
                AdminProtocolException.UNKNOWN_COMMAND,
                "unknown command \"" + AdminProtocol.printable(request.command()) + "\"");
      };
    } catch (ClientException e) {
      return AdminResponse.error(e.reason().code(), e.getMessage());
    }
  }

  private AdminResponse add(AdminRequest request) throws AdminProtocolException, ClientException {
    request.allowOnly(ADD);
    NewClient client =
        new NewClient(
            request.single(CLIENT_ID).orElse(null),
            request.required(NAME),
            AdminCommands.flag(request, PUBLIC) ? ClientType.PUBLIC : ClientType.CONFIDENTIAL,
            values(request, REDIRECT_URI),
            values(request, POST_LOGOUT_REDIRECT_URI),
            values(request, WEB_ORIGIN),
            values(request, GRANT_TYPE),
            request.single(ID_TOKEN_ALG).orElse(null),
            request.single(BACKCHANNEL_LOGOUT_URI).orElse(null),
            request.single(ROLES_CLAIM).orElse(null));
    ClientRegistration registration = clients.register(client);
    String id = registration.client().clientId();
    if (registration.secret() == null) {
      return AdminResponse.ok("registered client " + id + " (public: no secret; it must use PKCE)");
    }
    return AdminResponse.ok(
        List.of(
            "registered client " + id + " (confidential)",
            "client secret: " + registration.secret(),
            NOT_SHOWN_AGAIN));
  }

  private AdminResponse list(AdminRequest request) throws AdminProtocolException {
    request.allowOnly(Set.of());
    List<RegisteredClient> all = clients.list();
    return all.isEmpty() ? AdminResponse.ok("no clients") : AdminResponse.ok(table(all));
  }

  private AdminResponse update(AdminRequest request)
      throws AdminProtocolException, ClientException {
    request.allowOnly(UPDATE);
    String clientId = request.required(CLIENT_ID);
    ClientUpdate update =
        new ClientUpdate(
            request.single(NAME).orElse(null),
            valuesIfGiven(request, REDIRECT_URI),
            valuesIfGiven(request, POST_LOGOUT_REDIRECT_URI),
            valuesIfGiven(request, WEB_ORIGIN),
            valuesIfGiven(request, GRANT_TYPE),
            request.single(ID_TOKEN_ALG).orElse(null),
            request.single(BACKCHANNEL_LOGOUT_URI).orElse(null),
            request.single(ROLES_CLAIM).orElse(null),
            request.single(ENABLED).isPresent() ? AdminCommands.flag(request, ENABLED) : null,
            request.single(CALLBACK_URL).orElse(null),
            request.single(CALLBACK_FORMAT).orElse(null));
    Optional<String> timeZone = request.single(CIVICRM_TIMEZONE);
    if (timeZone.isPresent() && !isTimeZone(timeZone.get())) {
      // Checked before anything is changed, so a bad zone leaves the client as it was.
      return AdminResponse.error(
          ClientException.Reason.INVALID_CIVICRM_TIMEZONE.code(),
          "The CiviCRM time zone must be a time zone id such as Europe/Berlin or UTC.");
    }
    String enabled = "";
    if (!update.isEmpty()) {
      RegisteredClient updated = clients.update(clientId, update);
      enabled = updated.enabled() ? "" : " (disabled)";
    }
    if (timeZone.isPresent()) {
      clients.setCiviCrmTimeZone(clientId, timeZone.get());
    }
    return AdminResponse.ok("updated client " + clientId + enabled);
  }

  private static boolean isTimeZone(String zone) {
    try {
      java.time.ZoneId.of(zone.trim());
      return zone.length() <= 64;
    } catch (java.time.DateTimeException e) {
      return false;
    }
  }

  private AdminResponse rotateSecret(AdminRequest request)
      throws AdminProtocolException, ClientException {
    request.allowOnly(Set.of(CLIENT_ID));
    String clientId = request.required(CLIENT_ID);
    String secret = clients.rotateSecret(clientId);
    return AdminResponse.ok(
        List.of(
            "new secret for client " + clientId + "; the old one no longer works",
            "client secret: " + secret,
            NOT_SHOWN_AGAIN));
  }

  private AdminResponse rotateCallbackSecret(AdminRequest request)
      throws AdminProtocolException, ClientException {
    request.allowOnly(Set.of(CLIENT_ID));
    String clientId = request.required(CLIENT_ID);
    String secret = clients.rotateCallbackSecret(clientId);
    return AdminResponse.ok(
        List.of(
            "new callback secret for client " + clientId + "; the old one no longer signs",
            "callback secret: " + secret,
            CALLBACK_NOT_SHOWN_AGAIN));
  }

  private AdminResponse setCiviCrmCredentials(AdminRequest request)
      throws AdminProtocolException, ClientException {
    request.allowOnly(Set.of(CLIENT_ID, API_KEY, SITE_KEY));
    String clientId = request.required(CLIENT_ID);
    String apiKey = request.required(API_KEY);
    String siteKey = request.single(SITE_KEY).filter(v -> !v.isEmpty()).orElse(null);
    clients.setCiviCrmCredentials(clientId, apiKey, siteKey);
    return AdminResponse.ok(
        "CiviCRM credentials stored for client "
            + clientId
            + (siteKey == null ? " (API key; no site key)" : " (API key and site key)"));
  }

  private AdminResponse remove(AdminRequest request)
      throws AdminProtocolException, ClientException {
    request.allowOnly(Set.of(CLIENT_ID));
    String clientId = request.required(CLIENT_ID);
    clients.remove(clientId);
    return AdminResponse.ok("removed client " + clientId);
  }

  /** The values of a repeatable parameter, empty values dropped (one empty value means none). */
  private static List<String> values(AdminRequest request, String name) {
    return request.all(name).stream().filter(v -> !v.isEmpty()).toList();
  }

  /** Null when the parameter was not sent (keep the stored list), else its values. */
  private static List<String> valuesIfGiven(AdminRequest request, String name) {
    return request.all(name).isEmpty() ? null : values(request, name);
  }

  /** The clients as a table; never a secret or its hash. */
  static List<String> table(List<RegisteredClient> clients) {
    List<List<String>> rows = new ArrayList<>();
    for (RegisteredClient c : clients) {
      rows.add(
          List.of(
              AdminTable.cell(c.clientId()),
              AdminTable.cell(c.displayName()),
              c.isPublic() ? "public" : "confidential",
              c.enabled() ? "enabled" : "disabled",
              AdminTable.cell(String.join(",", c.grantTypes())),
              AdminTable.cell(c.idTokenSignedResponseAlg()),
              AdminTable.cell(c.rolesClaim()),
              AdminTable.time(c.secretRotatedAt()),
              AdminTable.cell(joinUris(c.redirectUris())),
              AdminTable.cell(joinUris(c.postLogoutRedirectUris())),
              AdminTable.cell(String.join(",", c.webOrigins())),
              AdminTable.cell(
                  c.backchannelLogoutUri() == null ? null : c.backchannelLogoutUri().toString()),
              AdminTable.cell(c.callback().url() == null ? null : c.callback().url().toString()),
              c.callback().format().code(),
              credentials(c.callback())));
    }
    return AdminTable.render(COLUMNS, rows);
  }

  /** Whether the callback credentials are set and since when; never the credentials. */
  private static String credentials(ClientCallback callback) {
    if (!callback.credentialsSet()) {
      return "none";
    }
    return callback.credentialsChangedAt() == null
        ? "set"
        : "set " + AdminTable.time(callback.credentialsChangedAt());
  }

  private static String joinUris(List<URI> uris) {
    return uris.stream().map(URI::toString).collect(Collectors.joining(","));
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
