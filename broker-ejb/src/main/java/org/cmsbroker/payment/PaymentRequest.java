package org.cmsbroker.payment;

/**
 * A payment as a client asks for it, unchecked; {@link PaymentRules#validate} turns it into a
 * {@link NewPayment} or refuses it. Immutable. Never log it: a careless CMS may put a card number
 * in any field.
 *
 * @param amount the amount in minor units of {@code currency} (cents; yen for JPY)
 * @param currency an ISO 4217 code; Stripe's lower case is the normal form
 * @param description what the donor pays for, shown on Stripe's page
 * @param reference the client's own reference, for example a CiviCRM contribution id
 * @param donorEmail the donor's email address to prefill, or null or empty for none
 * @param returnUrl where the donor goes after paying
 * @param cancelUrl where the donor goes after cancelling; needed in redirect mode
 * @param mode {@code redirect} or {@code embedded}; null means redirect
 */
public record PaymentRequest(
    long amount,
    String currency,
    String description,
    String reference,
    String donorEmail,
    String returnUrl,
    String cancelUrl,
    String mode) {}
