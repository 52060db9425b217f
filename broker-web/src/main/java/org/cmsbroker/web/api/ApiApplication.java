package org.cmsbroker.web.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** The JSON API for CMS servers, under {@code /api}. Lists its classes explicitly. */
@ApplicationPath("/api")
public class ApiApplication extends Application {
  @Override
  public Set<Class<?>> getClasses() {
    return Set.of(ApiErrorMapper.class, PaymentsResource.class);
  }
}
