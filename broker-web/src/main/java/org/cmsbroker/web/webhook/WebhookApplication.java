package org.cmsbroker.web.webhook;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** Webhooks from payment providers, under {@code /webhooks}. Lists its classes explicitly. */
@ApplicationPath("/webhooks")
public class WebhookApplication extends Application {
  @Override
  public Set<Class<?>> getClasses() {
    return Set.of(StripeWebhookResource.class);
  }
}
