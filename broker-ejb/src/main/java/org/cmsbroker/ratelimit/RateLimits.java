package org.cmsbroker.ratelimit;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import org.cmsbroker.config.BrokerConfig;
import org.cmsbroker.grid.DataGrid;

/**
 * The broker's configured rate limiters, built once from {@link BrokerConfig}: payment creation per
 * client and per remote address, and the embedded payment page per remote address and per client.
 * Keys are the caller's choice (a client id, an address); each limiter has its own buckets, shared
 * by all instances when there is a data grid.
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
  @Inject DataGrid grid;
  @Inject Clock clock;

  private RateLimiter paymentCreationPerClient;
  private RateLimiter paymentCreationPerAddress;
  private RateLimiter payPagePerAddress;
  private RateLimiter payPagePerClient;
  private RateLimiter cspReportsPerAddress;

  @PostConstruct
  void build() {
    paymentCreationPerClient =
        limiter("payment-creation-client", config.paymentRateClientPerMinute());
    paymentCreationPerAddress = limiter("payment-creation-ip", config.paymentRateIpPerMinute());
    payPagePerAddress = limiter("pay-page-ip", config.payPageRateIpPerMinute());
    payPagePerClient = limiter("pay-page-client", config.payPageRateClientPerMinute());
    cspReportsPerAddress = limiter("csp-reports-ip", CSP_REPORTS_PER_MINUTE);
  }

  /** In the data grid when there is one (one budget for all instances), else in memory. */
  private RateLimiter limiter(String name, int perMinute) {
    return grid.grid()
        .<RateLimiter>map(g -> new GridRateLimiter(g, name, perMinute, MINUTE, clock))
        .orElseGet(() -> new InMemoryRateLimiter(perMinute, MINUTE, MAX_KEYS));
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
