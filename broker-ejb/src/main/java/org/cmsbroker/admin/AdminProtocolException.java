package org.cmsbroker.admin;

/** A refused admin request: an error code and a message safe to send back (no secret in it). */
public final class AdminProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The request is not in the protocol's form, or has a wrong or missing parameter. */
  public static final String BAD_REQUEST = "bad_request";

  /** The request exceeds {@link AdminProtocol#MAX_REQUEST_BYTES}. */
  public static final String TOO_LARGE = "too_large";

  /** No such command. */
  public static final String UNKNOWN_COMMAND = "unknown_command";

  private final String code;

  public AdminProtocolException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
