/**
 * Callbacks to the CRM: an outbox of messages committed with the change they report, and their
 * at-least-once delivery, signed per Standard Webhooks, with leases, backoff and a dead letter:
 * continuous while messages are due, in parallel across endpoints and bounded per endpoint, one
 * message of a payment at a time and in order.
 */
package org.cmsbroker.callback;
