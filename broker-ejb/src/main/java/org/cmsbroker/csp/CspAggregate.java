package org.cmsbroker.csp;

import java.time.Instant;

/**
 * Stored CSP violations of one kind: how many, when first and last. Immutable.
 *
 * @param pagePath the broker page, for example {@code /pay/{id}}
 * @param effectiveDirective the directive that was violated
 * @param blockedOrigin the blocked origin or CSP keyword
 * @param disposition {@code enforce} or {@code report}, as last reported
 * @param count how many reports
 * @param firstSeen when the first arrived
 * @param lastSeen when the last arrived
 * @param sampleUserAgent the user agent of the last report, truncated, or null
 */
public record CspAggregate(
    String pagePath,
    String effectiveDirective,
    String blockedOrigin,
    String disposition,
    long count,
    Instant firstSeen,
    Instant lastSeen,
    String sampleUserAgent) {}
