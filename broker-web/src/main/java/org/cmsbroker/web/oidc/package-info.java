/**
 * The OpenID Connect provider's HTTP endpoints: discovery, JWKS, authorization, token, userinfo,
 * introspection, revocation and end-session. Protocol messages are parsed and built with the Nimbus
 * OAuth 2.0 / OpenID Connect SDK; the decisions live in broker-ejb.
 */
package org.cmsbroker.web.oidc;
