/**
 * Durable storage: the broker's one data source (any JDBC URL; H2 in the data directory by default,
 * PostgreSQL in production) and the Flyway migrations that own its schema; {@link
 * org.cmsbroker.persistence.DataClass}, the data class of every stored field.
 */
package org.cmsbroker.persistence;
