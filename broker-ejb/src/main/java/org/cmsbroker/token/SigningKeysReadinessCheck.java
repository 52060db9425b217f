package org.cmsbroker.token;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the token signing keys are loaded. */
@Readiness
@ApplicationScoped
public class SigningKeysReadinessCheck implements HealthCheck {
  @Inject SigningKeys keys;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("signing-keys").status(keys.isReady()).build();
  }
}
