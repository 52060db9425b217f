/**
 * Payments without card data: validation of payment requests, detection of card-number-looking
 * text, and the payment state machine driven by (possibly out-of-order) Stripe events.
 */
package org.cmsbroker.payment;
