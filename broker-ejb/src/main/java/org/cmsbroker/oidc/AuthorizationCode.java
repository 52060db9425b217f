package org.cmsbroker.oidc;

import java.time.Instant;

/**
 * What an authorization code stands for. Immutable; the code itself is never kept, only its hash.
 *
 * @param clientId the client it was issued to
 * @param redirectUri the exact redirect URI of the authorization request
 * @param codeChallenge PKCE S256 challenge, or null when the client sent none
 * @param nonce the request's nonce, or null
 * @param scope granted scope, space-separated
 * @param accountId whose login
 * @param sessionIdHash the login session's stored id
 * @param authTime when that login happened
 * @param expiresAt end of the code's 60 seconds
 */
public record AuthorizationCode(
    String clientId,
    String redirectUri,
    String codeChallenge,
    String nonce,
    String scope,
    String accountId,
    String sessionIdHash,
    Instant authTime,
    Instant expiresAt) {}
