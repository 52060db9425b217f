/**
 * The broker's token signing keys (ES256 and RS256, rotated, published as a JWKS) and the JWTs it
 * signs with them: OpenID Connect ID tokens and RFC 9068 access tokens, and their verification.
 */
package org.cmsbroker.token;
