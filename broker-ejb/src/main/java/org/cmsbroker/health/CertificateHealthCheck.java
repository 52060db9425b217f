package org.cmsbroker.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.Optional;
import org.cmsbroker.config.BrokerConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the days until the served TLS certificate expires; DOWN once it has expired, with a
 * warning well before. Read on each call, so a certificate renewed on disk shows at once.
 */
@Readiness
@ApplicationScoped
public class CertificateHealthCheck implements HealthCheck {

  @Inject BrokerConfig config;

  @Inject Clock clock;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("tls-certificate");
    Optional<Path> file = config.servedCertificateFile();
    if (file.isEmpty()) {
      return response.up().withData("managedBy", "server").build();
    }
    try {
      CertificateExpiry expiry = CertificateExpiry.of(file.get(), clock);
      response
          .status(!expiry.expired())
          .withData("notAfter", expiry.notAfter().toString())
          .withData("daysToExpiry", expiry.daysLeft());
      if (expiry.expired()) {
        response.withData("problem", "the certificate has expired");
      } else if (expiry.expiresSoon()) {
        response.withData("warning", "the certificate expires in " + expiry.daysLeft() + " days");
      }
      return response.build();
    } catch (IOException | CertificateException | RuntimeException e) {
      return response.down().withData("problem", "the served certificate cannot be read").build();
    }
  }
}
