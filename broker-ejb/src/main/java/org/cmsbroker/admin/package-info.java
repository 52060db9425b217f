/**
 * Administration while the broker runs: a Unix domain socket in the data directory, open to its
 * owner only, that takes {@code broker.jar admin ...} commands and runs them through the services.
 */
package org.cmsbroker.admin;
