/**
 * Cryptographic primitives behind small interfaces: Argon2id password hashing (Bouncy Castle, kept
 * here and nowhere else) and RSA key generation for the login keys (Nimbus).
 */
package org.cmsbroker.crypto;
