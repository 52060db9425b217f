package org.cmsbroker.crypto;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs at most as many password hashes at once as there are cores, with a short first-come
 * first-served queue in front, and refuses ({@link PasswordHashingBusyException}) beyond it.
 *
 * <p>Each Argon2id hash at the OWASP parameters allocates about 19 MiB and keeps one core busy for
 * tens of milliseconds. Unbounded, more concurrent logins than cores only share the cores more
 * thinly while their memory adds up: the garbage collector thrashes, every login gets slower and a
 * small heap runs out. Bounded, throughput stays at the hash rate of the cores, memory stays at
 * {@code maxConcurrent} hashes, and latency at most {@code maxWait} plus one hash; a burst beyond
 * the queue gets a clear {@code 503} at once. The parameters, and so the strength, are the
 * delegate's and unchanged.
 */
public final class BoundedPasswordHasher implements PasswordHasher {
  private final PasswordHasher delegate;
  private final Semaphore slots;
  private final int maxWaiting;
  private final Duration maxWait;
  private final AtomicInteger waiting = new AtomicInteger();

  /**
   * @param delegate the hasher doing the work
   * @param maxConcurrent hashes running at once (the cores)
   * @param maxWaiting callers that may wait for a slot; more are refused at once
   * @param maxWait how long one caller waits for a slot before it is refused
   */
  public BoundedPasswordHasher(
      PasswordHasher delegate, int maxConcurrent, int maxWaiting, Duration maxWait) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    if (maxConcurrent < 1 || maxWaiting < 0 || maxWait.isNegative()) {
      throw new IllegalArgumentException("bad bounds");
    }
    this.slots = new Semaphore(maxConcurrent, true);
    this.maxWaiting = maxWaiting;
    this.maxWait = maxWait;
  }

  /**
   * Bounds for this machine: one hash per core, a queue of eight per core (at least 16, so a burst
   * of 16 logins waits rather than fails), two seconds at most in it.
   */
  public static BoundedPasswordHasher forThisMachine(PasswordHasher delegate) {
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    return new BoundedPasswordHasher(
        delegate, cores, Math.max(16, 8 * cores), Duration.ofSeconds(2));
  }

  @Override
  public String hash(char[] password) {
    return bounded(() -> delegate.hash(password));
  }

  @Override
  public boolean verify(char[] password, String encodedHash) {
    return bounded(() -> delegate.verify(password, encodedHash));
  }

  @Override
  public boolean needsRehash(String encodedHash) {
    return delegate.needsRehash(encodedHash);
  }

  @Override
  public boolean verifyDummy(char[] password) {
    return bounded(() -> delegate.verifyDummy(password));
  }

  private <T> T bounded(Supplier<T> work) {
    acquire();
    try {
      return work.get();
    } finally {
      slots.release();
    }
  }

  private void acquire() {
    try {
      // With a zero timeout, unlike tryAcquire(), a fair semaphore does not let this caller
      // overtake the ones already waiting.
      if (slots.tryAcquire(0, TimeUnit.NANOSECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw busy();
    }
    if (waiting.incrementAndGet() > maxWaiting) {
      waiting.decrementAndGet();
      throw busy();
    }
    try {
      if (!slots.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
        throw busy();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw busy();
    } finally {
      waiting.decrementAndGet();
    }
  }

  private PasswordHashingBusyException busy() {
    return new PasswordHashingBusyException(Duration.ofSeconds(1));
  }
}
