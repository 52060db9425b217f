/**
 * Rate limiting against card testing and floods: {@link org.cmsbroker.ratelimit.RateLimiter}, a
 * token bucket per key, kept in memory with bounded size ({@link
 * org.cmsbroker.ratelimit.InMemoryRateLimiter}) or in the data grid for several instances ({@link
 * org.cmsbroker.ratelimit.GridRateLimiter}), and {@link org.cmsbroker.ratelimit.RateLimits}, the
 * broker's configured limiters.
 */
package org.cmsbroker.ratelimit;
