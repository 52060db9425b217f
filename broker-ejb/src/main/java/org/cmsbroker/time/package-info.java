/** The broker's injected clock. */
package org.cmsbroker.time;
