package org.cmsbroker.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.cmsbroker.callback.CallbackFormat;
import org.cmsbroker.client.ClientException.Reason;

/** Validation and normalisation of client registration fields. Stateless. */
final class ClientRules {
  static final int MAX_NAME = 100;
  static final int MAX_URIS = 20;
  static final int MAX_URI_LENGTH = 2000;
  static final String AUTHORIZATION_CODE = "authorization_code";
  static final String REFRESH_TOKEN = "refresh_token";
  static final String CLIENT_CREDENTIALS = "client_credentials";
  static final Set<String> GRANT_TYPES =
      Set.of(AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS);
  static final String ES256 = "ES256";
  static final String RS256 = "RS256";
  static final String DEFAULT_ROLES_CLAIM = "roles";
  static final int MAX_CALLBACK_URL_LENGTH = 2048;
  static final int MAX_CIVICRM_KEY_LENGTH = 512;

  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{3,64}");
  private static final Pattern ROLES_CLAIM = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\p{Cf}\\p{Zl}\\p{Zp}]");
  private static final Pattern CIVICRM_KEY = Pattern.compile("[\\x21-\\x7E]+");
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

  /** A kind of registered URI: its rules are the same, its refusals its own. */
  enum UriKind {
    REDIRECT(
        "A redirect URI",
        Reason.INVALID_REDIRECT_URI,
        Reason.REDIRECT_URI_HAS_FRAGMENT,
        Reason.REDIRECT_URI_NOT_HTTPS,
        Reason.TOO_MANY_REDIRECT_URIS),
    POST_LOGOUT(
        "A post-logout redirect URI",
        Reason.INVALID_POST_LOGOUT_REDIRECT_URI,
        Reason.POST_LOGOUT_REDIRECT_URI_HAS_FRAGMENT,
        Reason.POST_LOGOUT_REDIRECT_URI_NOT_HTTPS,
        Reason.TOO_MANY_POST_LOGOUT_REDIRECT_URIS),
    BACKCHANNEL_LOGOUT(
        "The back-channel logout URI",
        Reason.INVALID_BACKCHANNEL_LOGOUT_URI,
        Reason.INVALID_BACKCHANNEL_LOGOUT_URI,
        Reason.BACKCHANNEL_LOGOUT_URI_NOT_HTTPS,
        Reason.INVALID_BACKCHANNEL_LOGOUT_URI);

    final String label;
    final Reason invalid;
    final Reason fragment;
    final Reason notHttps;
    final Reason tooMany;

    UriKind(String label, Reason invalid, Reason fragment, Reason notHttps, Reason tooMany) {
      this.label = label;
      this.invalid = invalid;
      this.fragment = fragment;
      this.notHttps = notHttps;
      this.tooMany = tooMany;
    }
  }

  private ClientRules() {}

  static String clientId(String value) throws ClientException {
    if (value == null || !CLIENT_ID.matcher(value).matches()) {
      throw new ClientException(
          Reason.INVALID_CLIENT_ID, "A client id is 3 to 64 letters, digits, '.', '_' or '-'.");
    }
    return value;
  }

  static String displayName(String value) throws ClientException {
    String name = value == null ? "" : value.strip();
    if (name.isEmpty()
        || name.codePointCount(0, name.length()) > MAX_NAME
        || CONTROL.matcher(name).find()) {
      throw new ClientException(
          Reason.INVALID_NAME,
          "A client name is 1 to " + MAX_NAME + " characters without control characters.");
    }
    return name;
  }

  /** The URIs, each checked, duplicates dropped, order and exact spelling kept. */
  static List<URI> uris(List<String> values, UriKind kind) throws ClientException {
    LinkedHashSet<String> distinct = new LinkedHashSet<>(values);
    if (distinct.size() > MAX_URIS) {
      throw new ClientException(
          kind.tooMany, "At most " + MAX_URIS + " URIs of this kind may be registered.");
    }
    List<URI> uris = new ArrayList<>();
    for (String value : distinct) {
      uris.add(uri(value, kind));
    }
    return List.copyOf(uris);
  }

  /**
   * One URI: absolute and hierarchical with a host, no user information and no fragment; https, or
   * http on a loopback host (for development).
   */
  static URI uri(String value, UriKind kind) throws ClientException {
    URI uri = parse(value, kind.invalid, kind.label + " must be an absolute URI with a host.");
    if (uri.getRawFragment() != null || value.indexOf('#') >= 0) {
      throw new ClientException(kind.fragment, kind.label + " must not have a fragment (#...).");
    }
    requireHttps(uri, kind.notHttps, kind.label);
    return uri;
  }

  /** An origin: {@code scheme://host[:port]}, nothing more; returned in lower case. */
  static Set<String> webOrigins(List<String> values) throws ClientException {
    LinkedHashSet<String> origins = new LinkedHashSet<>();
    for (String value : values) {
      String message = "A web origin is scheme://host[:port] with no path, query or fragment.";
      URI uri = parse(value, Reason.INVALID_WEB_ORIGIN, message);
      if (!uri.getRawPath().isEmpty()
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null
          || value.indexOf('?') >= 0
          || value.indexOf('#') >= 0) {
        throw new ClientException(Reason.INVALID_WEB_ORIGIN, message);
      }
      requireHttps(uri, Reason.WEB_ORIGIN_NOT_HTTPS, "A web origin");
      origins.add(value.toLowerCase(Locale.ROOT));
    }
    if (origins.size() > MAX_URIS) {
      throw new ClientException(
          Reason.TOO_MANY_WEB_ORIGINS, "At most " + MAX_URIS + " web origins may be registered.");
    }
    return origins;
  }

  private static URI parse(String value, Reason reason, String message) throws ClientException {
    if (value == null
        || value.isEmpty()
        || value.length() > MAX_URI_LENGTH
        || CONTROL.matcher(value).find()) {
      throw new ClientException(reason, message);
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new ClientException(reason, message);
    }
    if (!uri.isAbsolute()
        || uri.isOpaque()
        || uri.getHost() == null
        || uri.getHost().isEmpty()
        || uri.getRawUserInfo() != null) {
      throw new ClientException(reason, message);
    }
    return uri;
  }

  private static void requireHttps(URI uri, Reason reason, String label) throws ClientException {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    boolean loopback = LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT));
    if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
      throw new ClientException(
          reason, label + " must use https (http only on localhost, 127.0.0.1 or [::1]).");
    }
  }

  /** The grant types, in a fixed order; the type's default when none are given. */
  static Set<String> grantTypes(List<String> values, ClientType type) throws ClientException {
    Set<String> given = new LinkedHashSet<>(values);
    for (String grant : given) {
      if (!GRANT_TYPES.contains(grant)) {
        throw new ClientException(
            Reason.INVALID_GRANT_TYPE,
            "A grant type is authorization_code, refresh_token or client_credentials.");
      }
    }
    if (given.isEmpty()) {
      given =
          type == ClientType.PUBLIC
              ? Set.of(AUTHORIZATION_CODE, REFRESH_TOKEN)
              : Set.of(AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS);
    }
    if (type == ClientType.PUBLIC && given.contains(CLIENT_CREDENTIALS)) {
      throw new ClientException(
          Reason.PUBLIC_CLIENT_CREDENTIALS,
          "A public client cannot use client_credentials: it has no secret.");
    }
    Set<String> ordered = new LinkedHashSet<>();
    for (String grant : List.of(AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS)) {
      if (given.contains(grant)) {
        ordered.add(grant);
      }
    }
    return ordered;
  }

  /** Refuses the empty set of grant types an update may ask for. */
  static void someGrantType(Set<String> grantTypes) throws ClientException {
    if (grantTypes.isEmpty()) {
      throw new ClientException(Reason.NO_GRANT_TYPE, "A client needs at least one grant type.");
    }
  }

  /** authorization_code sends people back somewhere: at least one redirect URI is needed. */
  static void redirectUriWhenNeeded(Set<String> grantTypes, List<URI> redirectUris)
      throws ClientException {
    if (grantTypes.contains(AUTHORIZATION_CODE) && redirectUris.isEmpty()) {
      throw new ClientException(
          Reason.MISSING_REDIRECT_URI,
          "A client that uses authorization_code needs at least one redirect URI.");
    }
  }

  static String idTokenAlg(String value) throws ClientException {
    if (value == null) {
      return ES256;
    }
    if (!value.equals(ES256) && !value.equals(RS256)) {
      throw new ClientException(
          Reason.INVALID_ID_TOKEN_ALG, "The ID token algorithm is ES256 or RS256.");
    }
    return value;
  }

  /** The back-channel logout URI, or null when none (null or empty) is given. */
  static URI backchannelLogoutUri(String value) throws ClientException {
    return value == null || value.isEmpty() ? null : uri(value, UriKind.BACKCHANNEL_LOGOUT);
  }

  static String rolesClaim(String value) throws ClientException {
    if (value == null) {
      return DEFAULT_ROLES_CLAIM;
    }
    if (!ROLES_CLAIM.matcher(value).matches()) {
      throw new ClientException(
          Reason.INVALID_ROLES_CLAIM,
          "A roles claim name is a letter or '_' then up to 63 letters, digits or '_'.");
    }
    if (REGISTERED_CLAIMS.contains(value.toLowerCase(java.util.Locale.ROOT))) {
      throw new ClientException(
          Reason.INVALID_ROLES_CLAIM,
          "The roles claim may not be '"
              + value
              + "': that name is a registered JWT or OpenID Connect claim. Use for example"
              + " 'roles' or 'groups'.");
    }
    return value;
  }

  /**
   * Claim names the roles claim may not take (compared ignoring case): JWT's registered claims (RFC
   * 7519), OpenID Connect Core's ID token and standard claims, the session and logout claims
   * (Front-/Back-Channel Logout), and the access-token claims (RFC 9068, RFC 8693, RFC 7800).
   */
  static final java.util.Set<String> REGISTERED_CLAIMS =
      java.util.Set.of(
          // RFC 7519
          "iss",
          "sub",
          "aud",
          "exp",
          "nbf",
          "iat",
          "jti",
          // OpenID Connect Core 1.0, ID token
          "auth_time",
          "nonce",
          "acr",
          "amr",
          "azp",
          "at_hash",
          "c_hash",
          "s_hash",
          "sub_jwk",
          // OpenID Connect Core 1.0, standard claims
          "name",
          "given_name",
          "family_name",
          "middle_name",
          "nickname",
          "preferred_username",
          "profile",
          "picture",
          "website",
          "email",
          "email_verified",
          "gender",
          "birthdate",
          "zoneinfo",
          "locale",
          "phone_number",
          "phone_number_verified",
          "address",
          "updated_at",
          "_claim_names",
          "_claim_sources",
          // Session management and logout
          "sid",
          "events",
          // Access tokens and token exchange (RFC 9068, 8693, 7800), and the JOSE type
          "client_id",
          "scope",
          "act",
          "may_act",
          "cnf",
          "typ");

  /**
   * The callback URL, or null when none (null or empty) is given: absolute with a host, no user
   * information, no fragment, at most {@link #MAX_CALLBACK_URL_LENGTH} characters; https, or http
   * on a loopback host. Each refusal says which rule failed.
   */
  static URI callbackUrl(String value) throws ClientException {
    if (value == null || value.isEmpty()) {
      return null;
    }
    Reason invalid = Reason.INVALID_CALLBACK_URL;
    if (value.length() > MAX_CALLBACK_URL_LENGTH) {
      throw new ClientException(
          invalid, "The callback URL must be at most " + MAX_CALLBACK_URL_LENGTH + " characters.");
    }
    if (CONTROL.matcher(value).find() || value.indexOf(' ') >= 0) {
      throw new ClientException(
          invalid, "The callback URL must not contain spaces or control characters.");
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new ClientException(invalid, "The callback URL is not a valid URI.");
    }
    if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ClientException(invalid, "The callback URL must be an absolute URL with a host.");
    }
    if (uri.getRawUserInfo() != null) {
      throw new ClientException(
          invalid, "The callback URL must not contain user information (user:password@).");
    }
    if (uri.getRawFragment() != null || value.indexOf('#') >= 0) {
      throw new ClientException(invalid, "The callback URL must not have a fragment (#...).");
    }
    requireHttps(uri, Reason.CALLBACK_URL_NOT_HTTPS, "The callback URL");
    return uri;
  }

  /** The callback format named {@code value}. */
  static CallbackFormat callbackFormat(String value) throws ClientException {
    try {
      return CallbackFormat.fromCode(value);
    } catch (IllegalArgumentException e) {
      throw new ClientException(
          Reason.INVALID_CALLBACK_FORMAT, "The callback format is standard-webhooks or civicrm.");
    }
  }

  /**
   * A CiviCRM API key or site key: 1 to {@link #MAX_CIVICRM_KEY_LENGTH} printable ASCII characters
   * without spaces. The message never repeats the value.
   */
  static String civicrmKey(String value, Reason reason, String label) throws ClientException {
    if (value == null
        || value.isEmpty()
        || value.length() > MAX_CIVICRM_KEY_LENGTH
        || !CIVICRM_KEY.matcher(value).matches()) {
      throw new ClientException(
          reason,
          label
              + " must be 1 to "
              + MAX_CIVICRM_KEY_LENGTH
              + " printable ASCII characters without spaces.");
    }
    return value;
  }

  /**
   * The time zone a CiviCRM site keeps its dates in: an IANA region id such as {@code
   * Europe/Berlin}, or {@code UTC}; returned in its normal form.
   */
  static java.time.ZoneId civicrmTimeZone(String value) throws ClientException {
    if (value != null && value.length() <= 64) {
      try {
        return java.time.ZoneId.of(value.trim()).normalized();
      } catch (java.time.DateTimeException e) {
        // reported below
      }
    }
    throw new ClientException(
        Reason.INVALID_CIVICRM_TIMEZONE,
        "The CiviCRM time zone must be a time zone id such as Europe/Berlin or UTC.");
  }
}
