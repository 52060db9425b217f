/**
 * Outgoing mail (password-reset links) through the operator's SMTP server, with TLS required unless
 * the operator says otherwise.
 */
package org.cmsbroker.mail;
