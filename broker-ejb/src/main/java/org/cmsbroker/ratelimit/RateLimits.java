package org.cmsbroker.ratelimit;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.cmsbroker.config.BrokerConfig;

/**
 * The broker's configured rate limiters, built once from {@link BrokerConfig}: payment creation per
 * client and per remote address, and the embedded payment page per remote address and per client.
 * Keys are the caller's choice (a client id, an address); each limiter has its own buckets.
 */
@ApplicationScoped
public class RateLimits {

  /** Buckets kept per limiter; well above the keys a busy broker sees in a minute. */
  static final int MAX_KEYS = 10_000;

  private static final Duration MINUTE = Duration.ofMinutes(1);

  /**
   * CSP violation reports per minute from one address. A page load yields a handful of reports at
   * most; the limit keeps one sender from turning the unauthenticated endpoint into a stream of
   * database writes.
   */
  public static final int CSP_REPORTS_PER_MINUTE = 60;

  @Inject BrokerConfig config;

  private RateLimiter paymentCreationPerClient;
  private RateLimiter paymentCreationPerAddress;
  private RateLimiter payPagePerAddress;
  private RateLimiter payPagePerClient;
  private RateLimiter cspReportsPerAddress;

  @PostConstruct
  void build() {
    paymentCreationPerClient =
        new RateLimiter(config.paymentRateClientPerMinute(), MINUTE, MAX_KEYS);
    paymentCreationPerAddress = new RateLimiter(config.paymentRateIpPerMinute(), MINUTE, MAX_KEYS);
    payPagePerAddress = new RateLimiter(config.payPageRateIpPerMinute(), MINUTE, MAX_KEYS);
    payPagePerClient = new RateLimiter(config.payPageRateClientPerMinute(), MINUTE, MAX_KEYS);
    cspReportsPerAddress = new RateLimiter(CSP_REPORTS_PER_MINUTE, MINUTE, MAX_KEYS);
  }

  /** {@code POST /api/v1/payments}, keyed by client id. */
  public RateLimiter paymentCreationPerClient() {
    return paymentCreationPerClient;
  }

  /** {@code POST /api/v1/payments}, keyed by the caller's address. */
  public RateLimiter paymentCreationPerAddress() {
    return paymentCreationPerAddress;
  }

  /** The embedded payment page {@code /pay/{id}}, keyed by the donor's address. */
  public RateLimiter payPagePerAddress() {
    return payPagePerAddress;
  }

  /** The embedded payment page {@code /pay/{id}}, keyed by the payment's client id. */
  public RateLimiter payPagePerClient() {
    return payPagePerClient;
  }

  /** {@code POST /csp-report}, keyed by the sender's address ({@link #CSP_REPORTS_PER_MINUTE}). */
  public RateLimiter cspReportsPerAddress() {
    return cspReportsPerAddress;
  }
}
