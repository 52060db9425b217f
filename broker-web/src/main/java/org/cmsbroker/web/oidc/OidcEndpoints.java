package org.cmsbroker.web.oidc;

import java.net.URI;

/** The provider's endpoint paths, relative to the issuer (the public URL). */
public final class OidcEndpoints {
  public static final String DISCOVERY = "/.well-known/openid-configuration";
  public static final String AUTHORIZE = "/oauth2/authorize";
  public static final String TOKEN = "/oauth2/token";
  public static final String USERINFO = "/oauth2/userinfo";
  public static final String JWKS = "/oauth2/jwks";
  public static final String INTROSPECT = "/oauth2/introspect";
  public static final String REVOKE = "/oauth2/revoke";
  public static final String END_SESSION = "/oauth2/logout";

  private OidcEndpoints() {}

  public static URI at(URI issuer, String path) {
    return URI.create(issuer.toString() + path);
  }
}
