package org.cmsbroker.json;

import jakarta.json.spi.JsonProvider;

/**
 * The one Jakarta JSON Processing provider of the application, looked up once.
 *
 * <p>{@code jakarta.json.Json.createObjectBuilder()}, {@code Json.createReader(...)} and the other
 * static factories look the provider up again on every call (a service-loader search of the class
 * path, which in Payara also tries OSGi and opens the application's jars): in a profile of payment
 * creation and Stripe webhook intake under load that search was about a tenth of the broker's CPU.
 * Use {@link #PROVIDER} instead of {@code Json.*}. The provider is thread-safe.
 */
public final class Jsonp {
  /** The provider, found once when this class is first used. */
  public static final JsonProvider PROVIDER = JsonProvider.provider();

  private Jsonp() {}
}
