/**
 * {@code broker.jar check --site URL}: probes a CMS site from outside the way CiviCRM's and TYPO3's
 * security guides ask (TLS, redirects, HSTS, exposed directories, plaintext FTP) and reports one
 * finding per thing seen, each saying what to change. Only the JDK and Bouncy Castle are used.
 */
package org.cmsbroker.launcher.sitecheck;
