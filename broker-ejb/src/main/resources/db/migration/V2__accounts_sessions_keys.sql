-- People who log in. Confidential fields (email, names) are AES-256-GCM ciphertext written by the
-- broker; email_index is a keyed HMAC of the normalised address, for lookups.
CREATE TABLE account (
    id                   VARCHAR(36)   PRIMARY KEY,
    username             VARCHAR(254)  NOT NULL,
    username_key         VARCHAR(254)  NOT NULL,
    email_ciphertext     VARCHAR(1024) NOT NULL,
    email_index          VARCHAR(64)   NOT NULL,
    email_verified       BOOLEAN       NOT NULL,
    given_name_ciphertext  VARCHAR(1024),
    family_name_ciphertext VARCHAR(1024),
    roles                VARCHAR(1024) NOT NULL,
    state                VARCHAR(16)   NOT NULL,
    locked_until         TIMESTAMP WITH TIME ZONE,
    password_hash        VARCHAR(512),
    password_changed_at  TIMESTAMP WITH TIME ZONE,
    last_login_at        TIMESTAMP WITH TIME ZONE,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    version              BIGINT        NOT NULL,
    CONSTRAINT account_username_key UNIQUE (username_key)
);
CREATE INDEX account_email_index ON account (email_index);

-- Login keys (RSA-OAEP-256); the private JWK is AES-256-GCM ciphertext.
CREATE TABLE login_key (
    kid                  VARCHAR(64)   PRIMARY KEY,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    private_jwk_ciphertext VARCHAR(8192) NOT NULL
);

-- Server-side sessions; only a SHA-256 of the cookie value is stored.
CREATE TABLE login_session (
    id_hash              VARCHAR(64)   PRIMARY KEY,
    account_id           VARCHAR(36)   NOT NULL REFERENCES account (id),
    csrf_token           VARCHAR(64)   NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at             TIMESTAMP WITH TIME ZONE,
    remote_ip            VARCHAR(45)
);
CREATE INDEX login_session_account ON login_session (account_id);

-- Password reset links; only a SHA-256 of the token is stored.
CREATE TABLE password_reset (
    token_hash           VARCHAR(64)   PRIMARY KEY,
    account_id           VARCHAR(36)   NOT NULL REFERENCES account (id),
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at              TIMESTAMP WITH TIME ZONE
);
