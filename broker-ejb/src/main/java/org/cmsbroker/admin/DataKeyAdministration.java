package org.cmsbroker.admin;

import java.util.List;

/** What the admin commands may do with the data keys. */
public interface DataKeyAdministration {

  /**
   * What a rotation did.
   *
   * @param keyId the new current key
   * @param finished whether the re-encryption finished while the command waited (else it goes on in
   *     the background and its result is logged)
   * @param rewritten values re-encrypted under the new key
   * @param failed values that did not decrypt, as {@code table.column row-id}, left as they were
   * @param remaining values still under older keys or formats (the failed ones included)
   */
  record Rotation(
      String keyId, boolean finished, long rewritten, List<String> failed, long remaining) {}

  /** Makes a new current data key and re-encrypts every encrypted value under it. */
  Rotation rotate();
}
