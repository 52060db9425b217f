package org.cmsbroker.settings;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The data grid's cluster name, derived from the cluster secret: {@code cmsbroker-} and the hex of
 * HMAC-SHA256(secret, "cms-broker cluster-name v1"). Hazelcast lets a member join only a cluster of
 * the same name, so a member started without the secret is refused; the name reveals nothing of the
 * secret. Used by the launcher (to start the grid) and by the server (to check it was started so).
 * Plain Java: the launcher has no server classes.
 */
public final class ClusterName {
  private static final byte[] LABEL =
      "cms-broker cluster-name v1".getBytes(StandardCharsets.US_ASCII);

  private ClusterName() {}

  /**
   * The cluster name for {@code secret}.
   *
   * @throws IllegalArgumentException if the secret is shorter than {@link
   *     Rules#CLUSTER_SECRET_MIN_CHARACTERS}
   */
  public static String of(String secret) {
    if (secret == null || secret.length() < Rules.CLUSTER_SECRET_MIN_CHARACTERS) {
      throw new IllegalArgumentException("The cluster secret is too short");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "cmsbroker-" + HexFormat.of().formatHex(mac.doFinal(LABEL));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
