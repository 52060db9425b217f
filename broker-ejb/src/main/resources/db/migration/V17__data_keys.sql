-- Data keys: random AES-256 keys under which confidential fields are encrypted (format
-- v3:<key_id>:...), each wrapped (AES-256-GCM) by a key derived from the master key. The newest
-- is current; older ones stay so that every value still decrypts, and admin rotate-data-key
-- re-encrypts every value under a new one.
CREATE TABLE data_key (
    key_id       VARCHAR(32)   PRIMARY KEY,
    wrapped_key  VARCHAR(200)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- login_session.csrf_token and remote_ip are now stored encrypted (row-bound v3 values, about 120
-- characters). Existing plain values stay readable and are encrypted by admin rotate-data-key;
-- sessions end within their absolute timeout anyway.
ALTER TABLE login_session ALTER COLUMN csrf_token SET DATA TYPE VARCHAR(256);
ALTER TABLE login_session ALTER COLUMN remote_ip SET DATA TYPE VARCHAR(256);

-- account.username is now stored encrypted, and username_key holds an HMAC-SHA256 blind index of
-- the normalised username instead of the normalised username. Rows written before keep both plain
-- until the account is next written or admin rotate-data-key converts them; lookups accept both.
ALTER TABLE account ALTER COLUMN username SET DATA TYPE VARCHAR(2048);
