package org.cmsbroker.web.error;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.crypto.PasswordHashingBusyException;

/**
 * Target of every {@code <error-page>} in web.xml: answers with the broker's own minimal error body
 * instead of the container's page. A 5xx is logged with a correlation id that the body repeats.
 * Reached directly (not as an error dispatch), it answers 404.
 */
public class ErrorServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = Logger.getLogger(ErrorServlet.class.getName());

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    int status = code instanceof Integer i ? i : HttpServletResponse.SC_NOT_FOUND;
    String path = uri instanceof String s ? s : request.getRequestURI();
    Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    PasswordHashingBusyException busy = busy(failure);
    if (busy != null) {
      // Expected under a burst of logins: a clear 503 the client may retry, not an internal error.
      response.setHeader("Retry-After", Long.toString(Math.max(1, busy.retryAfter().toSeconds())));
      LOG.fine(() -> "Password hashing at capacity answering " + path);
      ErrorResponses.write(
          response,
          HttpServletResponse.SC_SERVICE_UNAVAILABLE,
          ErrorResponses.wantsJson(path, request.getHeader("Accept")),
          null);
      return;
    }
    if (failure != null && status < 500) {
      status = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
    }
    String correlationId = null;
    if (status >= 500) {
      correlationId = UUID.randomUUID().toString();
      LOG.log(
          Level.SEVERE,
          "Internal error " + correlationId + " answering " + request.getMethod() + " " + path,
          failure);
    }
    ErrorResponses.write(
        response,
        status,
        ErrorResponses.wantsJson(path, request.getHeader("Accept")),
        correlationId);
  }

  /** The capacity refusal in {@code failure}'s cause chain, or {@code null}. */
  static PasswordHashingBusyException busy(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PasswordHashingBusyException e) {
        return e;
      }
    }
    return null;
  }
}
