package org.cmsbroker.token;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.cmsbroker.lifecycle.StartupState;
import org.cmsbroker.lifecycle.StartupState.Part;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the token signing keys are loaded; reads {@link StartupState} alone. */
@Readiness
@ApplicationScoped
public class SigningKeysReadinessCheck implements HealthCheck {
  @Inject StartupState state;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("signing-keys")
        .status(state.isReady(Part.SIGNING_KEYS))
        .build();
  }
}
