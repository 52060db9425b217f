package org.cmsbroker.callback;

/**
 * Fired (CDI event) when a callback message is made or replayed, in the transaction that does it:
 * observed after a successful commit, it asks for a delivery run now instead of at the next sweep.
 *
 * @param messageId the message, due now
 */
public record CallbackEnqueued(String messageId) {}
