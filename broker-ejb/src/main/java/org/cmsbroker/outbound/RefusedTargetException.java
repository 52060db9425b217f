package org.cmsbroker.outbound;

import java.io.IOException;

/**
 * An outbound call was refused before connecting: its target resolves to an address the {@link
 * OutboundPolicy} does not allow. The message names the host, the address and its kind (no secret);
 * it is meant for the operator.
 */
public class RefusedTargetException extends IOException {
  private static final long serialVersionUID = 1L;

  public RefusedTargetException(String message) {
    super(message);
  }
}
