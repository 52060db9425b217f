-- Callbacks of one payment delivered in order (issue 11): callback_message.subject names what the
-- message reports on (a payment id). A message is leased only while no message of its subject with
-- a smaller sequence_number is still pending or being delivered, so the messages of one payment are
-- never in flight together and a later one waits for the earlier one. Null for messages queued
-- before this migration (no order among them).
ALTER TABLE callback_message ADD COLUMN subject VARCHAR(40);
CREATE INDEX callback_message_subject ON callback_message (subject, sequence_number);
