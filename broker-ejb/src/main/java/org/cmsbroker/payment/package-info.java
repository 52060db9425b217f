/**
 * Payments without card data: validation of payment requests, detection of card-number-looking
 * text, the payment state machine driven by (possibly out-of-order) Stripe events and reconciled
 * with Stripe's fetched objects when in doubt, {@link org.cmsbroker.payment.PaymentService}
 * (create, find, cancel) and {@link org.cmsbroker.payment.RefundService} (refunds through Stripe).
 */
package org.cmsbroker.payment;
