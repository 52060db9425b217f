/**
 * Cryptographic primitives behind small interfaces: Argon2id password hashing (Bouncy Castle, kept
 * here and nowhere else), RSA key generation for the login keys (Nimbus), and the field cipher with
 * its data keys (AES-256-GCM, each value naming the key it is under).
 */
package org.cmsbroker.crypto;
