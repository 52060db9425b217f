-- Refresh tokens: only a SHA-256 of the token is stored. Every refresh makes a new token in the same
-- family; presenting a used one revokes the whole family (RFC 9700 refresh token rotation).
CREATE TABLE refresh_token (
    token_hash           VARCHAR(64)   PRIMARY KEY,
    family_id            VARCHAR(36)   NOT NULL,
    client_id            VARCHAR(128)  NOT NULL,
    account_id           VARCHAR(36)   NOT NULL,
    session_id_hash      VARCHAR(64),
    scope                VARCHAR(1024) NOT NULL,
    auth_time            TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at              TIMESTAMP WITH TIME ZONE,
    revoked_at           TIMESTAMP WITH TIME ZONE
);
CREATE INDEX refresh_token_family ON refresh_token (family_id);
CREATE INDEX refresh_token_session ON refresh_token (session_id_hash);

-- Access tokens revoked before they expire (RFC 7009), kept until their expiry.
CREATE TABLE revoked_access_token (
    jti                  VARCHAR(64)   PRIMARY KEY,
    expires_at           TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Which clients a login session handed tokens to, for back-channel logout.
CREATE TABLE session_client (
    session_id_hash      VARCHAR(64)   NOT NULL,
    client_id            VARCHAR(128)  NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (session_id_hash, client_id)
);
