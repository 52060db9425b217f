/**
 * Payments without card data: validation of payment requests, detection of card-number-looking
 * text, the payment state machine driven by (possibly out-of-order) Stripe events, and {@link
 * org.cmsbroker.payment.PaymentService}, which stores payments and has Stripe create their Checkout
 * Sessions.
 */
package org.cmsbroker.payment;
