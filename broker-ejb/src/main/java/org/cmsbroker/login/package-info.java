/**
 * The login core: rotating RSA login keys, single-use challenges, decryption of the browser's JWE
 * login message, and brute-force throttling; each piece behind a small storage interface.
 */
package org.cmsbroker.login;
