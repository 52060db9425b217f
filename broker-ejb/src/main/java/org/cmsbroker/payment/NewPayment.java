package org.cmsbroker.payment;

import java.net.URI;

/**
 * A payment request that passed {@link PaymentRules}. Immutable.
 *
 * @param amount the amount in minor units, within the currency's bounds
 * @param currency the lower-case ISO 4217 code, one of the accepted currencies
 * @param description the description, stripped of surrounding white space
 * @param reference the client's reference, stripped of surrounding white space
 * @param donorEmail the donor's email address, or null when none was given
 * @param returnUrl where the donor goes after paying, on one of the client's web origins
 * @param cancelUrl where the donor goes after cancelling, on one of the client's web origins, or
 *     null (embedded mode only)
 * @param mode how the donor reaches Stripe's form
 */
public record NewPayment(
    long amount,
    String currency,
    String description,
    String reference,
    String donorEmail,
    URI returnUrl,
    URI cancelUrl,
    PaymentMode mode) {}
