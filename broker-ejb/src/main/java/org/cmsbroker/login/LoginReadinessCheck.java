package org.cmsbroker.login;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.cmsbroker.lifecycle.StartupState;
import org.cmsbroker.lifecycle.StartupState.Part;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the login key is loaded; reads {@link StartupState} alone. */
@Readiness
@ApplicationScoped
public class LoginReadinessCheck implements HealthCheck {
  @Inject StartupState state;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("login-keys").status(state.isReady(Part.LOGIN_KEYS)).build();
  }
}
