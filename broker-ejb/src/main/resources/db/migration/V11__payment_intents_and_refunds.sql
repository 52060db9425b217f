-- The PaymentIntent behind each payment (known once Stripe names it in an event or a fetched
-- object): disputes and refunds name only the PaymentIntent, so payments are found by it too.
ALTER TABLE payment ADD COLUMN stripe_payment_intent_id VARCHAR(255);
CREATE INDEX payment_payment_intent ON payment (stripe_payment_intent_id);

-- Refunds a client asked for through the API, one row per refund. Like payments, a client's
-- Idempotency-Key is unique per client and the SHA-256 of the request tells a repeat from a
-- conflicting reuse. The payment's amount_refunded comes from Stripe's events, not from here; the
-- status here follows Stripe's Refund object (pending until Stripe has answered).
CREATE TABLE payment_refund (
    id                VARCHAR(40)   PRIMARY KEY,
    payment_id        VARCHAR(40)   NOT NULL REFERENCES payment (id),
    client_id         VARCHAR(128)  NOT NULL,
    amount            BIGINT        NOT NULL,
    reason            VARCHAR(32),
    stripe_refund_id  VARCHAR(255),
    status            VARCHAR(24)   NOT NULL,
    idempotency_key   VARCHAR(255)  NOT NULL,
    request_sha256    VARCHAR(64)   NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT payment_refund_idempotency UNIQUE (client_id, idempotency_key),
    CONSTRAINT payment_refund_amount CHECK (amount > 0),
    CONSTRAINT payment_refund_status CHECK (status IN
        ('pending', 'requires_action', 'succeeded', 'failed', 'canceled'))
);
CREATE INDEX payment_refund_payment ON payment_refund (payment_id, created_at);
CREATE INDEX payment_refund_stripe ON payment_refund (stripe_refund_id);
