package org.cmsbroker.web.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cmsbroker.web.error.ErrorResponses;
import org.cmsbroker.web.error.OAuthErrorBody;

/**
 * The catch-all for JAX-RS: every exception becomes the broker's OAuth-style JSON error with the
 * right status; 5xx are logged with a correlation id, 4xx at debug level.
 */
@Provider
public class ApiErrorMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = Logger.getLogger(ApiErrorMapper.class.getName());

  @Override
  public Response toResponse(Throwable exception) {
    int status =
        exception instanceof WebApplicationException wae
            ? wae.getResponse().getStatus()
            : Response.Status.INTERNAL_SERVER_ERROR.getStatusCode();
    if (causedByBodyLimit(exception)) {
      status = Response.Status.REQUEST_ENTITY_TOO_LARGE.getStatusCode();
    }
    ErrorResponses.Description d = ErrorResponses.describe(status);
    String description = d.description();
    if (status >= 500) {
      String id = UUID.randomUUID().toString();
      LOG.log(Level.SEVERE, "Internal error " + id, exception);
      description = description + " Reference: " + id + ".";
    } else {
      LOG.log(Level.FINE, "Refused request: {0}", exception.toString());
    }
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .header("Cache-Control", "no-store")
        .entity(OAuthErrorBody.fields(d.error(), description))
        .build();
  }

  private static boolean causedByBodyLimit(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getClass().getSimpleName().equals("BodyTooLargeException")) {
        return true;
      }
    }
    return false;
  }
}
