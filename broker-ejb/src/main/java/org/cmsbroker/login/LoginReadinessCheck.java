package org.cmsbroker.login;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the login key is loaded. */
@Readiness
@ApplicationScoped
public class LoginReadinessCheck implements HealthCheck {
  @Inject LoginComponents login;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("login-keys").status(login.isReady()).build();
  }
}
