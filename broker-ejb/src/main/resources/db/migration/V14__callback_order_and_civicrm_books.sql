-- Callbacks a receiver can order, and CiviCRM books that are right (issue 9).
-- payment.callback_sequence: the last sequence number given to a callback of this payment; each
-- new callback takes the next one with an atomic increment of this row, in the transaction that
-- queues it, so two concurrent outcomes of one payment never share or reverse a number.
ALTER TABLE payment ADD COLUMN callback_sequence BIGINT DEFAULT 0 NOT NULL;
-- callback_message: when what the message reports happened (Stripe's event time, or the time the
-- broker made the outcome itself) and its number in its payment's sequence; null for messages
-- queued before this migration.
ALTER TABLE callback_message ADD COLUMN occurred_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE callback_message ADD COLUMN sequence_number BIGINT;
-- oauth_client.civicrm_timezone: the IANA time zone the client's CiviCRM site keeps its dates in
-- (CiviCRM reads trxn_date as site-local time); null means UTC.
ALTER TABLE oauth_client ADD COLUMN civicrm_timezone VARCHAR(64);
