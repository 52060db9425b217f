package org.cmsbroker.web.oidc;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.Subject;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Date;
import java.util.Optional;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.oidc.RefreshTokens;
import org.cmsbroker.token.VerifiedAccessToken;

/**
 * {@code /oauth2/introspect} (RFC 7662), for authenticated confidential clients about their own
 * tokens: any other token, and every revoked, expired or logged-out one, is {@code active:false}.
 */
@WebServlet(OidcEndpoints.INTROSPECT)
public class IntrospectServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient ClientService clients;
  @Inject transient AccessTokenChecks tokens;
  @Inject transient RefreshTokens refreshTokens;
  @Inject transient BrokerConfig config;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    TokenIntrospectionRequest introspection;
    try {
      introspection =
          TokenIntrospectionRequest.parse(JakartaServletUtils.createHTTPRequest(request));
    } catch (ParseException e) {
      Responses.error(
          e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject(),
          false,
          response);
      return;
    }
    OAuthClients.Authenticated auth =
        OAuthClients.authenticate(clients, introspection.getClientAuthentication(), null, false);
    if (!auth.ok()) {
      Responses.error(auth.error(), auth.basic(), response);
      return;
    }
    String caller = auth.client().clientId();
    String value = introspection.getToken().getValue();
    Optional<VerifiedAccessToken> access =
        tokens.active(value).filter(t -> t.clientId().equals(caller));
    TokenIntrospectionSuccessResponse answer;
    if (access.isPresent()) {
      VerifiedAccessToken t = access.get();
      answer =
          new TokenIntrospectionSuccessResponse.Builder(true)
              .tokenType(AccessTokenType.BEARER)
              .scope(new Scope(t.scope().toArray(String[]::new)))
              .clientID(new ClientID(t.clientId()))
              .subject(new Subject(t.subject()))
              .issuer(new Issuer(config.publicUrl().toString()))
              .audience(new Audience(keysAudience()).toSingleAudienceList())
              .issueTime(Date.from(t.issuedAt()))
              .expirationTime(Date.from(t.expiresAt()))
              .jwtID(new com.nimbusds.oauth2.sdk.id.JWTID(t.tokenId()))
              .build();
    } else if (refreshTokens.isActive(value, caller)) {
      var grant = refreshTokens.find(value).orElseThrow().grant();
      answer =
          new TokenIntrospectionSuccessResponse.Builder(true)
              .scope(Scope.parse(grant.scope()))
              .clientID(new ClientID(grant.clientId()))
              .subject(new Subject(grant.accountId()))
              .issuer(new Issuer(config.publicUrl().toString()))
              .parameter("token_type", "refresh_token")
              .build();
    } else {
      answer = new TokenIntrospectionSuccessResponse.Builder(false).build();
    }
    Responses.write(answer.toHTTPResponse(), response);
  }

  private String keysAudience() {
    return config.publicUrl() + "/api";
  }
}
