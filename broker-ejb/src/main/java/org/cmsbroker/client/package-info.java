/**
 * The registry of OpenID Connect clients (the CMS sites): their redirect URIs, grant types and
 * token settings, and the hashed secrets confidential clients authenticate with.
 */
package org.cmsbroker.client;
