package org.cmsbroker.client;

import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.cmsbroker.audit.SecurityEvents;
import org.cmsbroker.audit.SecurityEvents.Outcome;
import org.cmsbroker.callback.CallbackFormat;
import org.cmsbroker.callback.CallbackTarget;
import org.cmsbroker.callback.WebhookSecrets;
import org.cmsbroker.client.ClientException.Reason;
import org.cmsbroker.client.ClientRules.UriKind;
import org.cmsbroker.crypto.FieldCipher;

/**
 * The client registry: register, find, list, update, rotate secrets, remove, and authenticate a
 * confidential client by its secret in constant time. Each change is one transaction and records a
 * security event ({@code client.registered}, {@code client.updated}, {@code client.secret_rotated},
 * {@code client.removed}, {@code client.callback_secret_rotated}, {@code
 * client.civicrm_credentials_set}) that holds no secret. Client secrets are returned once and
 * stored only as a SHA-256 hash. Callback credentials must be recovered to sign callbacks or log in
 * to the CRM, so they are encrypted at rest ({@link FieldCipher}, bound to the column and the
 * client id, so a value copied to another row or column does not decrypt).
 */
@Stateless
public class ClientService {
  @Inject ClientStore store;
  @Inject SecurityEvents events;
  @Inject FieldCipher cipher;

  @Inject Clock clock;

  public static final String CALLBACK_SECRET = "oauth_client.callback_secret/";
  public static final String CIVICRM_API_KEY = "oauth_client.civicrm_api_key/";
  public static final String CIVICRM_SITE_KEY = "oauth_client.civicrm_site_key/";

  private final SecureRandom random = new SecureRandom();

  private final ClientSecrets secrets = new ClientSecrets(new SecureRandom());

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /**
   * Registers a client. A confidential client gets a new secret, returned here once and never
   * again; a public client gets none.
   *
   * @throws ClientException if a field breaks its rule or the client id is taken
   */
  public ClientRegistration register(NewClient request) throws ClientException {
    String clientId =
        request.clientId() == null || request.clientId().isEmpty()
            ? secrets.newClientId()
            : ClientRules.clientId(request.clientId());
    String name = ClientRules.displayName(request.displayName());
    ClientType type = request.type();
    List<URI> redirects = ClientRules.uris(request.redirectUris(), UriKind.REDIRECT);
    List<URI> postLogout = ClientRules.uris(request.postLogoutRedirectUris(), UriKind.POST_LOGOUT);
    Set<String> origins = ClientRules.webOrigins(request.webOrigins());
    Set<String> grants = ClientRules.grantTypes(request.grantTypes(), type);
    ClientRules.redirectUriWhenNeeded(grants, redirects);
    String alg = ClientRules.idTokenAlg(request.idTokenSignedResponseAlg());
    URI backchannel = ClientRules.backchannelLogoutUri(request.backchannelLogoutUri());
    String rolesClaim = ClientRules.rolesClaim(request.rolesClaim());
    if (store.find(clientId).isPresent()) {
      throw new ClientException(Reason.CLIENT_ID_TAKEN, "That client id is already registered.");
    }
    OffsetDateTime now = now();
    OAuthClient client = new OAuthClient(clientId, type, now);
    client.setDisplayName(name);
    client.setRedirectUris(joinUris(redirects));
    client.setPostLogoutRedirectUris(joinUris(postLogout));
    client.setWebOrigins(String.join("\n", origins));
    client.setGrantTypes(String.join(" ", grants));
    client.setIdTokenSignedResponseAlg(alg);
    client.setBackchannelLogoutUri(backchannel == null ? null : backchannel.toString());
    client.setRolesClaim(rolesClaim);
    String secret = null;
    if (type == ClientType.CONFIDENTIAL) {
      secret = secrets.newSecret();
      client.setSecretHash(ClientSecrets.hash(secret), now);
    }
    store.add(client);
    record("client.registered", clientId, type.name().toLowerCase(java.util.Locale.ROOT));
    return new ClientRegistration(view(client), secret);
  }

  /** The client with this id (exact), enabled or not. */
  public Optional<RegisteredClient> find(String clientId) {
    return clientId == null || clientId.isEmpty()
        ? Optional.empty()
        : store.find(clientId).map(ClientService::view);
  }

  /** Every client, by client id. */
  public List<RegisteredClient> list() {
    return store.findAll().stream().map(ClientService::view).toList();
  }

  /**
   * Replaces the fields the update gives; the rules of {@link #register} apply to the result.
   *
   * @throws ClientException if there is no such client, nothing is to change, or a field breaks its
   *     rule
   */
  public RegisteredClient update(String clientId, ClientUpdate update) throws ClientException {
    OAuthClient client = require(clientId);
    if (update.isEmpty()) {
      throw new ClientException(Reason.NOTHING_TO_CHANGE, "The update changes nothing.");
    }
    String name =
        update.displayName() == null
            ? client.displayName()
            : ClientRules.displayName(update.displayName());
    List<URI> redirects =
        update.redirectUris() == null
            ? splitUris(client.redirectUris())
            : ClientRules.uris(update.redirectUris(), UriKind.REDIRECT);
    List<URI> postLogout =
        update.postLogoutRedirectUris() == null
            ? splitUris(client.postLogoutRedirectUris())
            : ClientRules.uris(update.postLogoutRedirectUris(), UriKind.POST_LOGOUT);
    Set<String> origins =
        update.webOrigins() == null
            ? split(client.webOrigins())
            : ClientRules.webOrigins(update.webOrigins());
    Set<String> grants;
    if (update.grantTypes() == null) {
      grants = split(client.grantTypes());
    } else {
      if (update.grantTypes().isEmpty()) {
        ClientRules.someGrantType(Set.of());
      }
      grants = ClientRules.grantTypes(update.grantTypes(), client.type());
    }
    ClientRules.redirectUriWhenNeeded(grants, redirects);
    String alg =
        update.idTokenSignedResponseAlg() == null
            ? client.idTokenSignedResponseAlg()
            : ClientRules.idTokenAlg(update.idTokenSignedResponseAlg());
    String backchannel =
        update.backchannelLogoutUri() == null
            ? client.backchannelLogoutUri()
            : Optional.ofNullable(ClientRules.backchannelLogoutUri(update.backchannelLogoutUri()))
                .map(URI::toString)
                .orElse(null);
    String rolesClaim =
        update.rolesClaim() == null
            ? client.rolesClaim()
            : ClientRules.rolesClaim(update.rolesClaim());
    String callbackUrl =
        update.callbackUrl() == null
            ? client.callbackUrl()
            : Optional.ofNullable(ClientRules.callbackUrl(update.callbackUrl()))
                .map(URI::toString)
                .orElse(null);
    String callbackFormat =
        update.callbackFormat() == null
            ? client.callbackFormat()
            : ClientRules.callbackFormat(update.callbackFormat()).code();

    client.setDisplayName(name);
    client.setRedirectUris(joinUris(redirects));
    client.setPostLogoutRedirectUris(joinUris(postLogout));
    client.setWebOrigins(String.join("\n", origins));
    client.setGrantTypes(String.join(" ", grants));
    client.setIdTokenSignedResponseAlg(alg);
    client.setBackchannelLogoutUri(backchannel);
    client.setRolesClaim(rolesClaim);
    client.setCallbackUrl(callbackUrl);
    client.setCallbackFormat(callbackFormat);
    if (update.enabled() != null) {
      client.setEnabled(update.enabled());
    }
    client.touch(now());
    record("client.updated", clientId, changedFields(update));
    return view(client);
  }

  /**
   * Replaces a confidential client's secret; the old one stops working at once. The new secret is
   * returned here once and never again.
   *
   * @throws ClientException if there is no such client, or it is public
   */
  public String rotateSecret(String clientId) throws ClientException {
    OAuthClient client = require(clientId);
    if (client.type() != ClientType.CONFIDENTIAL) {
      throw new ClientException(
          Reason.PUBLIC_CLIENT_HAS_NO_SECRET, "A public client has no secret to rotate.");
    }
    OffsetDateTime now = now();
    String secret = secrets.newSecret();
    client.setSecretHash(ClientSecrets.hash(secret), now);
    client.touch(now);
    record("client.secret_rotated", clientId, null);
    return secret;
  }

  /**
   * Gives a client a new Standard Webhooks callback secret ({@code whsec_}, 256 random bits); the
   * old one stops signing at once. The new secret is returned here once, for the receiver's
   * configuration, and stored only encrypted.
   *
   * @throws ClientException if there is no such client, or its callbacks are in another format
   */
  public String rotateCallbackSecret(String clientId) throws ClientException {
    OAuthClient client = require(clientId);
    if (format(client) != CallbackFormat.STANDARD_WEBHOOKS) {
      throw new ClientException(
          Reason.CALLBACK_FORMAT_MISMATCH,
          "The client's callback format is "
              + format(client).code()
              + ": a signing secret is for standard-webhooks (use set-civicrm-credentials).");
    }
    OffsetDateTime now = now();
    String secret = WebhookSecrets.generate(random);
    client.setCallbackSecret(cipher.encrypt(CALLBACK_SECRET + clientId, clientId, secret), now);
    client.touch(now);
    record("client.callback_secret_rotated", clientId, null);
    return secret;
  }

  /**
   * Stores the API key (and, if not null, the site key) the broker logs in to the client's CiviCRM
   * with, encrypted; both replace what was stored (a null site key removes a stored one).
   *
   * @throws ClientException if there is no such client, its callbacks are not in the civicrm
   *     format, or a key is malformed (the message never repeats it)
   */
  public void setCiviCrmCredentials(String clientId, String apiKey, String siteKey)
      throws ClientException {
    OAuthClient client = require(clientId);
    if (format(client) != CallbackFormat.CIVICRM) {
      throw new ClientException(
          Reason.CALLBACK_FORMAT_MISMATCH,
          "The client's callback format is "
              + format(client).code()
              + ": CiviCRM credentials need --callback-format civicrm first.");
    }
    String key = ClientRules.civicrmKey(apiKey, Reason.INVALID_CIVICRM_API_KEY, "The API key");
    String site =
        siteKey == null
            ? null
            : ClientRules.civicrmKey(siteKey, Reason.INVALID_CIVICRM_SITE_KEY, "The site key");
    OffsetDateTime now = now();
    client.setCiviCrmCredentials(
        cipher.encrypt(CIVICRM_API_KEY + clientId, clientId, key),
        site == null ? null : cipher.encrypt(CIVICRM_SITE_KEY + clientId, clientId, site),
        now);
    client.touch(now);
    record(
        "client.civicrm_credentials_set", clientId, site == null ? "api_key" : "api_key,site_key");
  }

  /**
   * Sets the time zone of the client's CiviCRM site (CiviCRM reads the dates the broker sends as
   * the site's local time); {@code UTC} is the default.
   *
   * @throws ClientException if there is no such client or the zone is not a time zone id
   */
  public void setCiviCrmTimeZone(String clientId, String zone) throws ClientException {
    OAuthClient client = require(clientId);
    java.time.ZoneId id = ClientRules.civicrmTimeZone(zone);
    client.setCiviCrmTimeZone(id.getId());
    client.touch(now());
    record("client.updated", clientId, "civicrm_timezone");
  }

  /**
   * Where {@code clientId}'s callbacks go, with its credentials decrypted: empty for an unknown or
   * disabled client, or one without a callback URL or without the credentials its format needs.
   *
   * @throws IllegalStateException when stored credentials cannot be decrypted (altered, or another
   *     master key); the message holds no secret
   */
  public Optional<CallbackTarget> callbackTarget(String clientId) {
    Optional<OAuthClient> found =
        clientId == null || clientId.isEmpty() || clientId.length() > 64
            ? Optional.empty()
            : store.find(clientId);
    if (found.isEmpty() || !found.get().enabled() || found.get().callbackUrl() == null) {
      return Optional.empty();
    }
    OAuthClient client = found.get();
    URI url = URI.create(client.callbackUrl());
    return switch (format(client)) {
      case STANDARD_WEBHOOKS ->
          Optional.ofNullable(client.callbackSecret())
              .map(
                  c ->
                      new CallbackTarget(
                          url, cipher.decrypt(CALLBACK_SECRET + clientId, clientId, c)));
      case CIVICRM ->
          Optional.ofNullable(client.civicrmApiKey())
              .map(
                  c ->
                      new CallbackTarget(
                          url,
                          CallbackFormat.CIVICRM,
                          cipher.decrypt(CIVICRM_API_KEY + clientId, clientId, c),
                          cipher.decrypt(
                              CIVICRM_SITE_KEY + clientId, clientId, client.civicrmSiteKey()),
                          client.civicrmTimeZone() == null
                              ? null
                              : java.time.ZoneId.of(client.civicrmTimeZone())));
    };
  }

  private static CallbackFormat format(OAuthClient client) {
    return CallbackFormat.fromCode(client.callbackFormat());
  }

  /**
   * Removes a client: its secret stops working and its redirect URIs are no longer accepted.
   *
   * @throws ClientException if there is no such client
   */
  public void remove(String clientId) throws ClientException {
    OAuthClient client = require(clientId);
    store.remove(client);
    record("client.removed", clientId, null);
  }

  /**
   * Authenticates a confidential client by its secret ({@code client_secret_basic} or {@code
   * client_secret_post}). Costs one SHA-256 and one constant-time comparison whether or not the
   * client exists, is enabled, or is public. Disabled and public clients never authenticate with a
   * secret. Records nothing: the caller knows the remote address and records the outcome.
   *
   * @return the client, or empty for an unknown, disabled or public client or a wrong secret
   */
  public Optional<RegisteredClient> authenticate(String clientId, String secret) {
    Optional<OAuthClient> found =
        clientId == null || clientId.isEmpty() || clientId.length() > 64
            ? Optional.empty()
            : store.find(clientId);
    boolean usable =
        found.isPresent()
            && found.get().enabled()
            && found.get().type() == ClientType.CONFIDENTIAL
            && found.get().secretHash() != null;
    boolean matches = ClientSecrets.matches(usable ? found.get().secretHash() : null, secret);
    return usable && matches ? found.map(ClientService::view) : Optional.empty();
  }

  private OAuthClient require(String clientId) throws ClientException {
    Optional<OAuthClient> client =
        clientId == null || clientId.isEmpty() ? Optional.empty() : store.find(clientId);
    return client.orElseThrow(
        () -> new ClientException(Reason.NO_SUCH_CLIENT, "There is no such client."));
  }

  private void record(String type, String clientId, String detail) {
    events.record(type, Outcome.SUCCESS, null, clientId, null, detail);
  }

  /** The names of the fields an update gives, for the security event (never their values). */
  private static String changedFields(ClientUpdate u) {
    List<String> fields = new java.util.ArrayList<>();
    add(fields, u.displayName(), "display_name");
    add(fields, u.redirectUris(), "redirect_uris");
    add(fields, u.postLogoutRedirectUris(), "post_logout_redirect_uris");
    add(fields, u.webOrigins(), "web_origins");
    add(fields, u.grantTypes(), "grant_types");
    add(fields, u.idTokenSignedResponseAlg(), "id_token_signed_response_alg");
    add(fields, u.backchannelLogoutUri(), "backchannel_logout_uri");
    add(fields, u.rolesClaim(), "roles_claim");
    add(fields, u.enabled(), "enabled");
    add(fields, u.callbackUrl(), "callback_url");
    add(fields, u.callbackFormat(), "callback_format");
    return String.join(",", fields);
  }

  private static void add(List<String> fields, Object value, String name) {
    if (value != null) {
      fields.add(name);
    }
  }

  private static String joinUris(List<URI> uris) {
    return uris.stream().map(URI::toString).collect(Collectors.joining("\n"));
  }

  private static List<URI> splitUris(String stored) {
    return split(stored).stream().map(URI::create).toList();
  }

  private static Set<String> split(String stored) {
    // Written with one separator; read with any run of whitespace, which no URI contains.
    return stored == null || stored.isBlank()
        ? Set.of()
        : new LinkedHashSet<>(Arrays.asList(stored.strip().split("\\s+")));
  }

  static RegisteredClient view(OAuthClient c) {
    return new RegisteredClient(
        c.clientId(),
        c.displayName(),
        c.type(),
        splitUris(c.redirectUris()),
        splitUris(c.postLogoutRedirectUris()),
        split(c.webOrigins()),
        split(c.grantTypes()),
        c.idTokenSignedResponseAlg(),
        c.backchannelLogoutUri() == null ? null : URI.create(c.backchannelLogoutUri()),
        c.rolesClaim(),
        c.enabled(),
        c.createdAt().toInstant(),
        c.updatedAt().toInstant(),
        c.secretRotatedAt() == null ? null : c.secretRotatedAt().toInstant(),
        callback(c));
  }

  private static ClientCallback callback(OAuthClient c) {
    CallbackFormat format = format(c);
    boolean set =
        format == CallbackFormat.STANDARD_WEBHOOKS
            ? c.callbackSecret() != null
            : c.civicrmApiKey() != null;
    return new ClientCallback(
        c.callbackUrl() == null ? null : URI.create(c.callbackUrl()),
        format,
        set,
        c.callbackSecretRotatedAt() == null ? null : c.callbackSecretRotatedAt().toInstant());
  }
}
