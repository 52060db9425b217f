/**
 * The broker's HTTP edge: filters that enforce TLS-only access, security headers and body limits;
 * the broker's own error answers; JAX-RS resources. Decisions are delegated to broker-ejb.
 */
package org.cmsbroker.web;
