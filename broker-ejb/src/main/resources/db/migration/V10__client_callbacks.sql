-- Where each client's callbacks go (issue 5): the receiver's URL, the format it expects, and the
-- credentials to reach it. Credentials are AES-256-GCM ciphertext (FieldCipher, bound to the
-- column and the client id), never plain text: the broker must recover them to sign or to log in.
-- callback_secret is the Standard Webhooks whsec_ secret; civicrm_api_key and civicrm_site_key
-- are used for civicrm targets. callback_secret_rotated_at: when the credentials last changed.
ALTER TABLE oauth_client ADD COLUMN callback_url VARCHAR(2048);
ALTER TABLE oauth_client ADD COLUMN callback_format VARCHAR(32) DEFAULT 'standard-webhooks' NOT NULL;
ALTER TABLE oauth_client ADD COLUMN callback_secret VARCHAR(1024);
ALTER TABLE oauth_client ADD COLUMN civicrm_api_key VARCHAR(2048);
ALTER TABLE oauth_client ADD COLUMN civicrm_site_key VARCHAR(2048);
ALTER TABLE oauth_client ADD COLUMN callback_secret_rotated_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE oauth_client ADD CONSTRAINT oauth_client_callback_format
    CHECK (callback_format IN ('standard-webhooks', 'civicrm'));
