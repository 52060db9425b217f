package org.cmsbroker.callback;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/** Sends one callback over HTTP. Implementations must be thread-safe. */
public interface HttpSender {
  /**
   * POSTs {@code body} (JSON, UTF-8) with {@code headers} to {@code target}, following no
   * redirects, and returns the HTTP status code.
   *
   * @throws IOException when no HTTP answer came (connection refused, timeout, TLS failure)
   */
  int send(URI target, Map<String, String> headers, String body) throws IOException;
}
