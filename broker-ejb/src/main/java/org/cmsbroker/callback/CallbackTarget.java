package org.cmsbroker.callback;

import java.net.URI;

/**
 * Where a client's callbacks go and the {@code whsec_} secret they are signed with. The secret is
 * confidential: {@link #toString} leaves it out.
 */
public record CallbackTarget(URI url, String secret) {
  public CallbackTarget {
    if (url == null || secret == null) {
      throw new IllegalArgumentException("callback target needs a URL and a secret");
    }
  }

  @Override
  public String toString() {
    return "CallbackTarget[url=" + url + ", secret=(redacted)]";
  }
}
