-- Token signing keys (ES256 on P-256, RS256 on RSA 2048). The private JWK, which also holds the
-- kid and alg, is AES-256-GCM ciphertext; kid and alg are repeated in clear for operators.
CREATE TABLE signing_key (
    kid                    VARCHAR(64)   PRIMARY KEY,
    alg                    VARCHAR(16)   NOT NULL,
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    private_jwk_ciphertext VARCHAR(8192) NOT NULL
);
