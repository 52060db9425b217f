package org.cmsbroker.web.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.claims.ClaimType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.cmsbroker.config.BrokerConfig;

/** {@code /.well-known/openid-configuration}: OpenID Connect Discovery 1.0 metadata. */
@WebServlet(OidcEndpoints.DISCOVERY)
public class DiscoveryServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Inject transient BrokerConfig config;

  private volatile String document;

  /** The metadata the CMS plugins read. */
  static OIDCProviderMetadata metadata(URI issuer) {
    OIDCProviderMetadata m =
        new OIDCProviderMetadata(
            new Issuer(issuer.toString()),
            List.of(SubjectType.PUBLIC),
            OidcEndpoints.at(issuer, OidcEndpoints.JWKS));
    m.setAuthorizationEndpointURI(OidcEndpoints.at(issuer, OidcEndpoints.AUTHORIZE));
    m.setTokenEndpointURI(OidcEndpoints.at(issuer, OidcEndpoints.TOKEN));
    m.setUserInfoEndpointURI(OidcEndpoints.at(issuer, OidcEndpoints.USERINFO));
    m.setIntrospectionEndpointURI(OidcEndpoints.at(issuer, OidcEndpoints.INTROSPECT));
    m.setRevocationEndpointURI(OidcEndpoints.at(issuer, OidcEndpoints.REVOKE));
    m.setEndSessionEndpointURI(OidcEndpoints.at(issuer, OidcEndpoints.END_SESSION));
    m.setResponseTypes(List.of(ResponseType.CODE));
    m.setResponseModes(org.cmsbroker.oidc.AuthorizationRules.RESPONSE_MODES);
    m.setGrantTypes(
        List.of(
            GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN, GrantType.CLIENT_CREDENTIALS));
    m.setScopes(new Scope("openid", "profile", "email", "roles", "offline_access"));
    List<ClientAuthenticationMethod> auth =
        List.of(
            ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
            ClientAuthenticationMethod.CLIENT_SECRET_POST);
    m.setTokenEndpointAuthMethods(auth);
    m.setIntrospectionEndpointAuthMethods(auth);
    m.setRevocationEndpointAuthMethods(auth);
    m.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
    m.setIDTokenJWSAlgs(List.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256));
    m.setClaimTypes(List.of(ClaimType.NORMAL));
    m.setClaims(
        List.of(
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "sid",
            "email",
            "email_verified",
            "preferred_username",
            "name",
            "given_name",
            "family_name",
            "roles"));
    m.setSupportsFrontChannelLogout(false);
    m.setSupportsBackChannelLogout(true);
    m.setSupportsBackChannelLogoutSession(true);
    m.setSupportsRequestParam(false);
    m.setSupportsRequestURIParam(false);
    m.setSupportsAuthorizationResponseIssuerParam(true);
    return m;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String json = document;
    if (json == null) {
      json = metadata(config.publicUrl()).toJSONObject().toJSONString();
      document = json;
    }
    response.setContentType("application/json;charset=UTF-8");
    response.setHeader("Cache-Control", "public, max-age=3600");
    response.setHeader("Access-Control-Allow-Origin", "*");
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}
