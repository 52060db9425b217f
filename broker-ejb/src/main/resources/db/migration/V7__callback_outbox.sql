-- Outbox of callbacks to the CRM: written in the same transaction as the change it reports, then
-- delivered at least once by a dispatcher holding a lease. The payload is AES-256-GCM encrypted.
CREATE TABLE callback_message (
    id                   VARCHAR(40)   PRIMARY KEY,
    client_id            VARCHAR(128)  NOT NULL,
    event_type           VARCHAR(100)  NOT NULL,
    payload_ciphertext   VARCHAR(131072) NOT NULL,
    status               VARCHAR(16)   NOT NULL,
    attempts             INTEGER       NOT NULL,
    next_attempt_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_owner          VARCHAR(64),
    lease_until          TIMESTAMP WITH TIME ZONE,
    last_status_code     INTEGER,
    last_error           VARCHAR(200),
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    replayed_at          TIMESTAMP WITH TIME ZONE,
    delivered_at         TIMESTAMP WITH TIME ZONE,
    CONSTRAINT callback_message_status
        CHECK (status IN ('pending', 'delivering', 'delivered', 'dead'))
);
CREATE INDEX callback_message_due ON callback_message (status, next_attempt_at);
CREATE INDEX callback_message_client ON callback_message (client_id, created_at);
