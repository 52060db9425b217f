package org.cmsbroker.crypto;

import java.time.Instant;

/**
 * A data key as stored: its id and the key itself wrapped (AES-256-GCM) by a key derived from the
 * master key.
 *
 * @param id the key id, as written into every ciphertext made with it ({@code v3:<id>:...})
 * @param wrapped the wrapped key, base64url
 * @param createdAt when it was made; the newest key is the current one
 */
public record StoredDataKey(String id, String wrapped, Instant createdAt) {}
