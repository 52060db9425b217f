-- OpenID Connect clients (the CMS sites). Only a SHA-256 (hex) of a confidential client's secret
-- is stored; the secret is 256 random bits, so a fast hash is enough. URI and origin lists are
-- newline-separated, kept exactly as registered (redirect URIs match by string equality).
CREATE TABLE oauth_client (
    client_id                    VARCHAR(64)    PRIMARY KEY,
    display_name                 VARCHAR(400)   NOT NULL,
    client_type                  VARCHAR(16)    NOT NULL,
    secret_hash                  VARCHAR(64),
    redirect_uris                VARCHAR(65536) NOT NULL,
    post_logout_redirect_uris    VARCHAR(65536) NOT NULL,
    web_origins                  VARCHAR(65536) NOT NULL,
    grant_types                  VARCHAR(128)   NOT NULL,
    id_token_signed_response_alg VARCHAR(16)    NOT NULL,
    backchannel_logout_uri       VARCHAR(2048),
    roles_claim                  VARCHAR(64)    NOT NULL,
    enabled                      BOOLEAN        NOT NULL,
    created_at                   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at                   TIMESTAMP WITH TIME ZONE NOT NULL,
    secret_rotated_at            TIMESTAMP WITH TIME ZONE,
    version                      BIGINT         NOT NULL,
    CONSTRAINT oauth_client_type CHECK (client_type IN ('CONFIDENTIAL', 'PUBLIC'))
);
