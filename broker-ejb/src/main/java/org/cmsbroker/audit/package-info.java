/**
 * Security events: an append-only record of logins, failures, lockouts, resets and other security
 * decisions, never holding a secret.
 */
package org.cmsbroker.audit;
