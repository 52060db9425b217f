/**
 * In-memory rate limiting against card testing and floods: {@link
 * org.cmsbroker.ratelimit.RateLimiter}, a token bucket per key with bounded memory, and {@link
 * org.cmsbroker.ratelimit.RateLimits}, the broker's configured limiters.
 */
package org.cmsbroker.ratelimit;
