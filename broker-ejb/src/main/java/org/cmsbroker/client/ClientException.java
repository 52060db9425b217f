package org.cmsbroker.client;

/**
 * A refused client registry operation: a fixed reason with a message that holds no secret and
 * repeats no submitted value. Checked: the caller (an admin command) turns it into a clear answer.
 */
public final class ClientException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the operation was refused; {@link #code()} is the stable wire form. */
  public enum Reason {
    INVALID_CLIENT_ID("invalid_client_id"),
    CLIENT_ID_TAKEN("client_id_taken"),
    NO_SUCH_CLIENT("no_such_client"),
    INVALID_NAME("invalid_name"),
    INVALID_REDIRECT_URI("invalid_redirect_uri"),
    REDIRECT_URI_HAS_FRAGMENT("redirect_uri_has_fragment"),
    REDIRECT_URI_NOT_HTTPS("redirect_uri_not_https"),
    TOO_MANY_REDIRECT_URIS("too_many_redirect_uris"),
    MISSING_REDIRECT_URI("missing_redirect_uri"),
    INVALID_POST_LOGOUT_REDIRECT_URI("invalid_post_logout_redirect_uri"),
    POST_LOGOUT_REDIRECT_URI_HAS_FRAGMENT("post_logout_redirect_uri_has_fragment"),
    POST_LOGOUT_REDIRECT_URI_NOT_HTTPS("post_logout_redirect_uri_not_https"),
    TOO_MANY_POST_LOGOUT_REDIRECT_URIS("too_many_post_logout_redirect_uris"),
    INVALID_WEB_ORIGIN("invalid_web_origin"),
    WEB_ORIGIN_NOT_HTTPS("web_origin_not_https"),
    TOO_MANY_WEB_ORIGINS("too_many_web_origins"),
    INVALID_GRANT_TYPE("invalid_grant_type"),
    NO_GRANT_TYPE("no_grant_type"),
    PUBLIC_CLIENT_CREDENTIALS("public_client_credentials"),
    INVALID_ID_TOKEN_ALG("invalid_id_token_alg"),
    INVALID_BACKCHANNEL_LOGOUT_URI("invalid_backchannel_logout_uri"),
    BACKCHANNEL_LOGOUT_URI_NOT_HTTPS("backchannel_logout_uri_not_https"),
    INVALID_ROLES_CLAIM("invalid_roles_claim"),
    PUBLIC_CLIENT_HAS_NO_SECRET("public_client_has_no_secret"),
    NOTHING_TO_CHANGE("nothing_to_change"),
    INVALID_CALLBACK_URL("invalid_callback_url"),
    CALLBACK_URL_NOT_HTTPS("callback_url_not_https"),
    INVALID_CALLBACK_FORMAT("invalid_callback_format"),
    CALLBACK_FORMAT_MISMATCH("callback_format_mismatch"),
    INVALID_CIVICRM_API_KEY("invalid_civicrm_api_key"),
    INVALID_CIVICRM_SITE_KEY("invalid_civicrm_site_key"),
    INVALID_CIVICRM_TIMEZONE("invalid_civicrm_timezone");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The reason's stable lower-case code, for example {@code invalid_redirect_uri}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  public ClientException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
