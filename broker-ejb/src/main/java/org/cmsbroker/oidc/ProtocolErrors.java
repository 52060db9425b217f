package org.cmsbroker.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.token.BearerTokenError;
import org.cmsbroker.token.AccessTokenRejectedException;

/**
 * One mapping from each family of protocol failures to the OAuth error sent back: SDK parse
 * failures, refused access tokens. The description never carries a secret or an internal detail.
 */
public final class ProtocolErrors {
  private ProtocolErrors() {}

  /** A request the SDK could not parse: its own error (with description), else invalid_request. */
  public static ErrorObject of(ParseException e) {
    ErrorObject error = e.getErrorObject();
    if (error == null || error.getCode() == null) {
      return OAuth2Error.INVALID_REQUEST.setDescription(
          e.getMessage() == null ? "The request is malformed" : e.getMessage());
    }
    return error.getHTTPStatusCode() >= 500 ? error.setHTTPStatusCode(400) : error;
  }

  /** An access token that did not verify: {@code invalid_token} (401), whatever the step. */
  public static BearerTokenError of(AccessTokenRejectedException e) {
    return BearerTokenError.INVALID_TOKEN;
  }
}
