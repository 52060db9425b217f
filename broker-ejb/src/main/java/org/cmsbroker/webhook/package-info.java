/**
 * Incoming webhooks: authenticates what payment providers post to the broker (Stripe's {@code
 * Stripe-Signature}) before anything in the body is believed.
 */
package org.cmsbroker.webhook;
