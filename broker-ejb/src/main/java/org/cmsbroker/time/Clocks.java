package org.cmsbroker.time;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/**
 * The one clock of the broker: every bean that needs the time injects {@link Clock}, so tests pass
 * their own clock instead of overwriting fields.
 */
@ApplicationScoped
public class Clocks {
  @Produces
  public Clock clock() {
    return Clock.systemUTC();
  }
}
