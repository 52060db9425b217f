/**
 * Server-side login sessions: random 256-bit tokens of which only a SHA-256 is stored, with idle
 * and absolute timeouts and a CSRF token each.
 */
package org.cmsbroker.session;
