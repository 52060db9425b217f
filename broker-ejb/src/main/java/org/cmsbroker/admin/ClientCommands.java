package org.cmsbroker.admin;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.cmsbroker.client.ClientException;
import org.cmsbroker.client.ClientRegistration;
import org.cmsbroker.client.ClientType;
import org.cmsbroker.client.ClientUpdate;
import org.cmsbroker.client.NewClient;
import org.cmsbroker.client.RegisteredClient;

/**
 * The {@code client.*} admin commands: {@code client.add}, {@code client.list}, {@code
 * client.update}, {@code client.rotate_secret}, {@code client.remove}. A secret appears in the
 * answer of {@code client.add} and {@code client.rotate_secret} only, once; never in a list, a
 * refusal or a log. Repeatable parameters ({@code redirect_uri}, {@code post_logout_redirect_uri},
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
  private static final Set<String> UPDATE = union(SETTINGS, Set.of(CLIENT_ID, ENABLED));

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
          "BACK-CHANNEL LOGOUT URI");

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
            request.single(ENABLED).isPresent() ? AdminCommands.flag(request, ENABLED) : null);
    RegisteredClient updated = clients.update(clientId, update);
    return AdminResponse.ok(
        "updated client " + updated.clientId() + (updated.enabled() ? "" : " (disabled)"));
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
                  c.backchannelLogoutUri() == null ? null : c.backchannelLogoutUri().toString())));
    }
    return AdminTable.render(COLUMNS, rows);
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
