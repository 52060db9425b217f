/**
 * What the start-up of this instance has achieved so far, kept apart from the beans that achieve
 * it. Readiness probes read {@link org.cmsbroker.lifecycle.StartupState} only: a probe that arrives
 * while the application is still deploying must never create or call a start-up singleton (it once
 * created the migrator before its data source was bound, and the instance then answered
 * "unavailable" forever). The singletons report here when their part is done, and retry a part that
 * failed instead of giving up.
 */
package org.cmsbroker.lifecycle;
