/**
 * Callbacks to the CRM: an outbox of messages committed with the change they report, and their
 * at-least-once delivery, signed per Standard Webhooks, with backoff, leases and a dead letter.
 */
package org.cmsbroker.callback;
