package org.cmsbroker.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Prompt;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.cmsbroker.client.RegisteredClient;
import org.cmsbroker.session.ActiveSession;

/** The protocol rules of an authentication request, without state: each a pure function. */
public final class AuthorizationRules {
  /** The response modes the broker answers in (and announces in discovery). */
  public static final List<ResponseMode> RESPONSE_MODES =
      List.of(ResponseMode.QUERY, ResponseMode.FORM_POST);

  private static final Set<ResponseMode> SUPPORTED = Set.copyOf(RESPONSE_MODES);

  private AuthorizationRules() {}

  /** Whether the request's {@code response_mode} (null: the default, query) is supported. */
  public static boolean supportsResponseMode(ResponseMode mode) {
    return mode == null || SUPPORTED.contains(mode);
  }

  /** The mode an error goes back in: the requested one when supported, else query. */
  public static ResponseMode errorMode(ResponseMode requested) {
    return supportsResponseMode(requested) ? requested : ResponseMode.QUERY;
  }

  /** Protocol checks that are answered at the client's redirect URI; null when all pass. */
  public static ErrorObject check(AuthenticationRequest auth, RegisteredClient client) {
    if (!supportsResponseMode(auth.getResponseMode())) {
      return OAuth2Error.INVALID_REQUEST.setDescription(
          "response_mode " + auth.getResponseMode() + " is not supported; use query or form_post");
    }
    if (!auth.getResponseType().equals(ResponseType.CODE)) {
      return OAuth2Error.UNSUPPORTED_RESPONSE_TYPE;
    }
    if (!client.allowsGrantType("authorization_code")) {
      return OAuth2Error.UNAUTHORIZED_CLIENT;
    }
    if (auth.getScope() == null || !auth.getScope().contains("openid")) {
      return OAuth2Error.INVALID_SCOPE.setDescription("The scope must include openid");
    }
    if (auth.getRequestObject() != null || auth.getRequestURI() != null) {
      return OAuth2Error.REQUEST_NOT_SUPPORTED;
    }
    if (auth.getCodeChallenge() == null) {
      if (client.isPublic()) {
        return OAuth2Error.INVALID_REQUEST.setDescription("PKCE (S256) is required");
      }
    } else if (!CodeChallengeMethod.S256.equals(auth.getCodeChallengeMethod())) {
      return OAuth2Error.INVALID_REQUEST.setDescription(
          "Only the S256 code challenge method is supported");
    }
    if (auth.getPrompt() != null
        && auth.getPrompt().contains(Prompt.Type.NONE)
        && auth.getPrompt().size() > 1) {
      return OAuth2Error.INVALID_REQUEST.setDescription("prompt=none cannot be combined");
    }
    return null;
  }

  /**
   * Whether {@code session} cannot answer the request without a new login: there is none, the
   * request says {@code prompt=login}, or the login is older than {@code max_age}.
   */
  public static boolean needsLogin(AuthenticationRequest auth, ActiveSession session, Instant now) {
    if (session == null) {
      return true;
    }
    if (auth.getPrompt() != null && auth.getPrompt().contains(Prompt.Type.LOGIN)) {
      return true;
    }
    return auth.getMaxAge() >= 0 && session.createdAt().plusSeconds(auth.getMaxAge()).isBefore(now);
  }

  /** Whether the request forbids showing a login page ({@code prompt=none}). */
  public static boolean silentOnly(AuthenticationRequest auth) {
    return auth.getPrompt() != null && auth.getPrompt().contains(Prompt.Type.NONE);
  }

  /** The scopes a person's token may carry: the requested login scopes, nothing else. */
  public static List<String> grantedScope(AuthenticationRequest auth) {
    return Scopes.grant(auth.getScope().toStringList(), Scopes.LOGIN);
  }
}
