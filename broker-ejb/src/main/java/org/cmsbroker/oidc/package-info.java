/**
 * The OpenID Connect provider's grants: authorization codes (single use, 60 s, bound to client,
 * redirect URI, PKCE and nonce), rotating refresh tokens with reuse detection, and revocation.
 */
package org.cmsbroker.oidc;
