/**
 * Content-Security-Policy violation reports of the broker's pages (PCI DSS v4.0 11.6.1): parsed
 * from both report formats, reduced to page path, directive and blocked origin, and stored as
 * bounded aggregates that an operator lists with {@code broker.jar admin csp list}.
 */
package org.cmsbroker.csp;
