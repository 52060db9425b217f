package org.cmsbroker.audit;

/**
 * What verifying the audit chain found.
 *
 * @param intact true when every sealed row matches the chain, the head and the checkpoint
 * @param rowsChecked sealed rows recomputed
 * @param lastSeq the last position found in order
 * @param brokenRowId the first row that does not match (null when none, or when a row is missing)
 * @param brokenSeq the first position that does not match or is missing (null when intact)
 * @param finding one sentence naming what is wrong, or saying it is intact
 * @param unsealed rows not sealed yet (written in the last seconds)
 * @param checkpoint the checkpoint compared against, or null when there was none
 */
public record AuditVerification(
    boolean intact,
    long rowsChecked,
    long lastSeq,
    Long brokenRowId,
    Long brokenSeq,
    String finding,
    long unsealed,
    AuditCheckpoint checkpoint) {}
