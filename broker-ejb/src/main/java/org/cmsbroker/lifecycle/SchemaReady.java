package org.cmsbroker.lifecycle;

/**
 * Fired once the schema has been migrated after an earlier attempt failed, so that parts which need
 * the database and could not start retry at once instead of at their next maintenance.
 */
public record SchemaReady(String schemaVersion) {}
