package org.cmsbroker.session;

/**
 * A login session was ended by the broker itself (password changed or reset, account disabled, or
 * replaced by a newer login in the same browser). Fired synchronously inside the transaction that
 * ended it, so what the session's grants depend on is revoked in that same transaction; the {@code
 * oidc} package observes it (refresh tokens, back-channel logout), and {@code session} needs to
 * know nothing of tokens.
 */
public record SessionEnded(String sessionIdHash, String accountId) {}
