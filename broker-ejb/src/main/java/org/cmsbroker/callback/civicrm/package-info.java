/**
 * The CiviCRM callback format: a payment's outcome recorded directly in CiviCRM through its APIv4
 * REST interface (authenticated the way CiviCRM's {@code authx} extension expects), idempotently,
 * instead of a signed generic webhook.
 */
package org.cmsbroker.callback.civicrm;
