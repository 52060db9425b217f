/**
 * Data keys at rest and their rotation: the {@code data_key} table behind {@link
 * org.cmsbroker.crypto.DataKeys}, the registry of every encrypted column, and the re-encryption of
 * all of them under a new key in batches while the broker runs ({@code admin rotate-data-key}).
 */
package org.cmsbroker.datakey;
