/**
 * The launcher's log hygiene: one {@link java.util.logging.Filter} in front of every log handler of
 * the server JVM that masks card numbers, e-mail addresses, bearer tokens, JWTs and JWEs, and the
 * values of password- and secret-like fields before anything is written.
 */
package org.cmsbroker.launcher.logging;
