package org.cmsbroker.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.cmsbroker.datakey.DataKeyRotation;
import org.cmsbroker.datakey.DataKeyRotationService;

/**
 * Data-key rotation through {@link DataKeyRotationService}, waiting at most {@link #WAIT} for the
 * re-encryption (the admin client waits 60 s for an answer).
 */
@ApplicationScoped
public class DefaultDataKeyAdministration implements DataKeyAdministration {
  static final Duration WAIT = Duration.ofSeconds(40);

  @Inject DataKeyRotationService service;

  @Override
  public Rotation rotate() {
    String keyId = service.rotate();
    Future<DataKeyRotation.Report> running = service.reencryptAll(keyId);
    try {
      DataKeyRotation.Report r = running.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return new Rotation(keyId, true, r.rewritten(), r.failed(), r.remaining());
    } catch (TimeoutException e) {
      return new Rotation(keyId, false, 0, List.of(), -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Rotation(keyId, false, 0, List.of(), -1);
    } catch (ExecutionException e) {
      throw new IllegalStateException("data key re-encryption failed", e.getCause());
    }
  }
}
