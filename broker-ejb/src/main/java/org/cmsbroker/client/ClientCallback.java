package org.cmsbroker.client;

import java.net.URI;
import java.time.Instant;
import org.cmsbroker.callback.CallbackFormat;

/**
 * A client's callback settings as operators see them: never the credentials themselves. Immutable.
 *
 * @param url where callbacks go, or null when none is set (no callbacks are delivered)
 * @param format the form the receiver expects
 * @param credentialsSet whether the credentials the format needs are stored (the {@code whsec_}
 *     secret for Standard Webhooks, the API key for CiviCRM)
 * @param credentialsChangedAt when the credentials were last set or rotated, or null
 */
public record ClientCallback(
    URI url, CallbackFormat format, boolean credentialsSet, Instant credentialsChangedAt) {
  /** No callback URL and no credentials. */
  public static final ClientCallback NONE =
      new ClientCallback(null, CallbackFormat.STANDARD_WEBHOOKS, false, null);

  public ClientCallback {
    if (format == null) {
      throw new IllegalArgumentException("callback format is required");
    }
  }
}
