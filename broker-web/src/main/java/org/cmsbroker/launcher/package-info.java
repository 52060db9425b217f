/**
 * {@code broker.jar}: checks the configuration, prepares the data directory and TLS material, then
 * boots Payara Micro in-process with the broker's WAR. Kept thin: everything after boot is decided
 * in the WAR. Only the JDK, Payara Micro and Bouncy Castle are on this class path.
 */
package org.cmsbroker.launcher;
