/**
 * Log hygiene: one {@link java.util.logging.Filter} in front of every log handler of the server JVM
 * that masks card numbers, e-mail addresses, bearer tokens, JWTs and JWEs, and the values of
 * password- and secret-like fields before anything is written.
 *
 * <p>Plain Java with no dependency, so that it works in three places: {@code broker.jar} carries a
 * copy (its {@code logging.properties} names the filter for every handler from the first line of
 * boot), and {@link org.cmsbroker.logging.LogMasking} puts it in front of the handlers of a server
 * that did not start through {@code broker.jar} (the EAR on Payara Server), and takes it away again
 * when the application is undeployed.
 */
package org.cmsbroker.logging;
