/**
 * Broker settings: read once from MicroProfile Config (system properties, environment, {@code
 * broker.properties} in the data directory) and handed to the rest of the broker as plain values.
 */
package org.cmsbroker.config;
