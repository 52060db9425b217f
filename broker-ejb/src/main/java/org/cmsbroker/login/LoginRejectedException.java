package org.cmsbroker.login;

import java.util.Objects;

/**
 * A login message was refused before any password was checked. The {@link Reason} says why; the
 * message is the reason's fixed text and never carries input, key material or a cause.
 */
public class LoginRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a login message was refused, each with a stable code and a fixed message. */
  public enum Reason {
    JWE_TOO_LARGE("jwe_too_large", "The login message is too large."),
    MALFORMED_JWE("malformed_jwe", "The login message is not a compact JWE."),
    WRONG_ALGORITHM("wrong_alg", "The login message's key encryption is not RSA-OAEP-256."),
    WRONG_ENCRYPTION("wrong_enc", "The login message's content encryption is not A256GCM."),
    UNSUPPORTED_HEADER("unsupported_header", "The login message's header is not accepted."),
    UNKNOWN_KEY("unknown_kid", "The login message names no current login key."),
    DECRYPTION_FAILED("decryption_failed", "The login message could not be decrypted."),
    PAYLOAD_NOT_JSON("payload_not_json", "The login message does not hold a JSON object."),
    WRONG_PAYLOAD_SHAPE(
        "wrong_payload_shape",
        "The login message must hold exactly the non-empty strings username, password and"
            + " challenge."),
    FIELD_TOO_LONG("field_too_long", "A field of the login message is too long."),
    UNKNOWN_CHALLENGE("unknown_challenge", "The login challenge is unknown."),
    EXPIRED_CHALLENGE("expired_challenge", "The login challenge has expired."),
    REPLAYED_CHALLENGE("replayed_challenge", "The login challenge was already used."),
    TOO_MANY_LOGINS(
        "too_many_logins",
        "The service is taking too many sign-ins at the moment; try again in a few minutes."),
    FOREIGN_CHALLENGE(
        "foreign_challenge",
        "The login challenge was not issued to this browser; reload the page.");

    private final String code;
    private final String message;

    Reason(String code, String message) {
      this.code = code;
      this.message = message;
    }

    /** A stable lower-case code for responses, logs and audit events. */
    public String code() {
      return code;
    }

    /** The fixed message. */
    public String message() {
      return message;
    }
  }

  private final Reason reason;

  public LoginRejectedException(Reason reason) {
    super(Objects.requireNonNull(reason, "reason").message());
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
