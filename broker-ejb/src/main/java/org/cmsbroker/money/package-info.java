/**
 * Amounts in Stripe's minor units and their currencies; plain Java, used by payments and callbacks.
 */
package org.cmsbroker.money;
