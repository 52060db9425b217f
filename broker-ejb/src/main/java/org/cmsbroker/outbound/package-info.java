/**
 * Which addresses the broker's own outbound HTTP calls (CRM callbacks, CiviCRM API calls,
 * back-channel logout) may reach. {@link org.cmsbroker.outbound.OutboundPolicy} refuses loopback,
 * private (RFC 1918, ULA), link-local, unspecified, multicast, shared (CGNAT), documentation and
 * other special-purpose addresses, unless the operator allows a range with {@code
 * BROKER_OUTBOUND_ALLOWED_CIDRS} (for a CRM on an intranet).
 *
 * <p>What is guaranteed: the check is made at connection time by {@link
 * org.cmsbroker.callback.BoundedHttpClient}, which resolves the target's host name once, checks
 * every address it resolves to (one refused address refuses the call), and then opens the TCP
 * connection to a checked address itself; TLS runs over that socket with the original host name for
 * SNI and certificate verification, and the request carries the original {@code Host}. The name is
 * never resolved again, so DNS rebinding between check and connection cannot change the address,
 * and redirects are never followed. Proxies are not used for these calls.
 */
package org.cmsbroker.outbound;
