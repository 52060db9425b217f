/**
 * The embedded payment page {@code /pay/{id}} (framed by the client's site, mounting Stripe's
 * embedded Checkout) and the CSP violation report endpoint {@code /csp-report}.
 */
package org.cmsbroker.web.pay;
