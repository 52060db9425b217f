/**
 * MicroProfile Health checks: liveness, and readiness only when the schema is migrated and the
 * served certificate is valid (with days to expiry reported).
 */
package org.cmsbroker.health;
