-- Stripe webhook events, one row per event id: a repeat delivery finds its id here and changes
-- nothing. The outcome is the decision taken (apply, ignore_*, needs_fetch, no_payment). No payload.
CREATE TABLE stripe_event (
    event_id     VARCHAR(255)  PRIMARY KEY,
    type         VARCHAR(100)  NOT NULL,
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    payment_id   VARCHAR(40),
    outcome      VARCHAR(32)   NOT NULL
);
CREATE INDEX stripe_event_payment ON stripe_event (payment_id);
