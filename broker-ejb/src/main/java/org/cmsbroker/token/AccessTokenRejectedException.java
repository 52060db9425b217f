package org.cmsbroker.token;

import java.util.Objects;

/**
 * An access token was refused. The {@link Reason} says at which step; the message is the reason's
 * fixed text and never carries token content, key material or a cause.
 */
public class AccessTokenRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why an access token was refused, each with a stable code and a fixed message. */
  public enum Reason {
    TOO_LARGE("token_too_large", "The access token is too large."),
    MALFORMED("malformed", "The access token is not a signed JWT."),
    UNSECURED("unsecured", "The access token is not signed."),
    FORBIDDEN_HEADER(
        "forbidden_header", "The access token's header carries a key, a key reference or crit."),
    WRONG_TYPE("wrong_typ", "The access token's typ is not at+jwt."),
    UNKNOWN_KEY("unknown_kid", "The access token names no published signing key."),
    WRONG_ALGORITHM("wrong_alg", "The access token's algorithm is not its key's algorithm."),
    BAD_SIGNATURE("bad_signature", "The access token's signature is invalid."),
    MALFORMED_CLAIMS("malformed_claims", "The access token's claims are not a JWT claims set."),
    WRONG_ISSUER("wrong_iss", "The access token was not issued by this broker."),
    EXPIRED("expired", "The access token has expired."),
    NOT_YET_VALID("not_yet_valid", "The access token is not valid yet."),
    WRONG_AUDIENCE("wrong_aud", "The access token is not meant for this audience."),
    MISSING_CLAIM(
        "missing_claim",
        "The access token lacks a required claim (exp, iat, sub, client_id, jti).");

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

  public AccessTokenRejectedException(Reason reason) {
    super(Objects.requireNonNull(reason, "reason").message());
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
