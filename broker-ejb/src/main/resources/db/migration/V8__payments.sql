-- Payments: one row per payment a client asked for. Card data never reaches the broker; the donor's
-- email address is AES-256-GCM ciphertext. A client's Idempotency-Key is unique per client, and
-- the SHA-256 of the request it came with tells a repeat from a conflicting reuse.
CREATE TABLE payment (
    id                          VARCHAR(40)    PRIMARY KEY,
    client_id                   VARCHAR(128)   NOT NULL,
    reference                   VARCHAR(100)   NOT NULL,
    amount                      BIGINT         NOT NULL,
    currency                    VARCHAR(3)     NOT NULL,
    description                 VARCHAR(200)   NOT NULL,
    donor_email_ciphertext      VARCHAR(1024),
    return_url                  VARCHAR(2000)  NOT NULL,
    cancel_url                  VARCHAR(2000),
    mode                        VARCHAR(16)    NOT NULL,
    status                      VARCHAR(24)    NOT NULL,
    amount_refunded             BIGINT         NOT NULL,
    disputed                    BOOLEAN        NOT NULL,
    last_event_at               TIMESTAMP WITH TIME ZONE,
    stripe_checkout_session_id  VARCHAR(255),
    checkout_url                VARCHAR(2048),
    expires_at                  TIMESTAMP WITH TIME ZONE,
    idempotency_key             VARCHAR(255)   NOT NULL,
    request_sha256              VARCHAR(64)    NOT NULL,
    created_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT payment_idempotency UNIQUE (client_id, idempotency_key),
    CONSTRAINT payment_amount CHECK (amount > 0 AND amount_refunded >= 0 AND amount_refunded <= amount),
    CONSTRAINT payment_mode CHECK (mode IN ('redirect', 'embedded')),
    CONSTRAINT payment_status CHECK (status IN
        ('pending', 'failed', 'expired', 'succeeded', 'partially_refunded', 'refunded'))
);
CREATE INDEX payment_client_reference ON payment (client_id, reference);
CREATE INDEX payment_checkout_session ON payment (stripe_checkout_session_id);
