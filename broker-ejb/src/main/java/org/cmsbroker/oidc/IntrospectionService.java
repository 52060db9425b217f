package org.cmsbroker.oidc;

import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.id.Subject;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.Date;
import java.util.Optional;
import org.cmsbroker.token.SigningKeys;
import org.cmsbroker.token.VerifiedAccessToken;

/**
 * Token introspection (RFC 7662), for authenticated confidential clients about their own tokens:
 * any other token, and every revoked, expired or logged-out one, is {@code active:false}. An access
 * token's {@code aud} is the configured access-token audience.
 */
@Stateless
public class IntrospectionService {
  @Inject ClientAuthenticator authenticator;
  @Inject ActiveAccessTokens tokens;
  @Inject RefreshTokens refreshTokens;
  @Inject SigningKeys keys;

  /** The answer; a {@link TokenIntrospectionErrorResponse} when the client is not authenticated. */
  public Answer introspect(TokenIntrospectionRequest request) {
    AuthenticatedClient auth =
        authenticator.authenticate(request.getClientAuthentication(), null, false);
    if (!auth.ok()) {
      return new Answer(null, auth);
    }
    String caller = auth.client().clientId();
    String value = request.getToken().getValue();
    Issuer issuer = new Issuer(keys.settings().issuer());
    Optional<VerifiedAccessToken> access =
        tokens.active(value).filter(t -> t.clientId().equals(caller));
    if (access.isPresent()) {
      VerifiedAccessToken t = access.get();
      return new Answer(
          new TokenIntrospectionSuccessResponse.Builder(true)
              .tokenType(AccessTokenType.BEARER)
              .scope(t.scope().isEmpty() ? null : new Scope(t.scope().toArray(String[]::new)))
              .clientID(new ClientID(t.clientId()))
              .subject(new Subject(t.subject()))
              .issuer(issuer)
              .audience(new Audience(keys.settings().accessTokenAudience()).toSingleAudienceList())
              .issueTime(Date.from(t.issuedAt()))
              .expirationTime(Date.from(t.expiresAt()))
              .jwtID(new JWTID(t.tokenId()))
              .build(),
          auth);
    }
    if (refreshTokens.isActive(value, caller)) {
      Optional<RefreshToken> stored = refreshTokens.find(value);
      if (stored.isPresent()) {
        RefreshGrant grant = stored.get().grant();
        return new Answer(
            new TokenIntrospectionSuccessResponse.Builder(true)
                .scope(
                    grant.scope() == null || grant.scope().isBlank()
                        ? null
                        : Scope.parse(grant.scope()))
                .clientID(new ClientID(grant.clientId()))
                .subject(new Subject(grant.accountId()))
                .issuer(issuer)
                .parameter("token_type", "refresh_token")
                .build(),
            auth);
      }
    }
    return new Answer(new TokenIntrospectionSuccessResponse.Builder(false).build(), auth);
  }

  /** The introspection answer, or (when {@code response} is null) the refused authentication. */
  public record Answer(TokenIntrospectionResponse response, AuthenticatedClient client) {}
}
