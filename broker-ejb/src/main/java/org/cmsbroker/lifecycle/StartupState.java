package org.cmsbroker.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parts of start-up that readiness waits for, and where each stands. Plain and thread-safe: it
 * holds no resource and calls nothing, so reading it can never start or break a part.
 */
@ApplicationScoped
public class StartupState {

  /** The parts readiness waits for. */
  public enum Part {
    /** The database schema is migrated; the detail is its version. */
    DATABASE,
    /** The login key ring is loaded. */
    LOGIN_KEYS,
    /** The token signing keys are loaded. */
    SIGNING_KEYS
  }

  /** Where one part stands: ready or not, with a short detail that holds no secret. */
  public record Status(boolean ready, String detail) {}

  private static final Status PENDING = new Status(false, "starting");

  private final Map<Part, Status> parts = new ConcurrentHashMap<>();

  /** Marks {@code part} ready, with {@code detail} (for example a schema version). */
  public void ready(Part part, String detail) {
    parts.put(part, new Status(true, detail == null ? "" : detail));
  }

  /**
   * Marks {@code part} not ready because of {@code reason}; a part that has been ready stays ready
   * (a later maintenance failure is a matter for the logs, not a reason to take the instance out of
   * the load balancer).
   */
  public void failed(Part part, String reason) {
    parts.compute(
        part,
        (p, before) ->
            before != null && before.ready() ? before : new Status(false, "failed: " + reason));
  }

  /** Where {@code part} stands; {@code starting} until it reports. */
  public Status status(Part part) {
    return Optional.ofNullable(parts.get(part)).orElse(PENDING);
  }

  /** Whether {@code part} is ready. */
  public boolean isReady(Part part) {
    return status(part).ready();
  }
}
