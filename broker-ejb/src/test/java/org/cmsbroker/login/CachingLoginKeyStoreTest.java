package org.cmsbroker.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.cmsbroker.crypto.RsaOaepKeyGenerator;
import org.junit.jupiter.api.Test;

/** Two instances' caches over one key table: a login key made on one is usable on the other. */
class CachingLoginKeyStoreTest {
  private final MutableClock clock = MutableClock.atStart();
  private final InMemoryLoginKeyStore shared = new InMemoryLoginKeyStore();

  private LoginKeyRing ring(LoginKeyStore store) {
    return new LoginKeyRing(
        store, new RsaOaepKeyGenerator(), Duration.ofDays(1), Duration.ofHours(1), clock);
  }

  @Test
  void keyRotatedOnAnotherInstanceDecryptsHereBeforeTheCacheExpires() {
    CachingLoginKeyStore here = new CachingLoginKeyStore(shared, Duration.ofSeconds(30), clock);
    CachingLoginKeyStore there = new CachingLoginKeyStore(shared, Duration.ofSeconds(30), clock);
    ring(here).rotateIfDue();
    LoginKeyRing onThere = ring(there);
    onThere.current();
    clock.advance(Duration.ofSeconds(1));
    LoginKey rotated = ring(here).rotate();
    clock.advance(Duration.ofSeconds(2));

    assertTrue(onThere.findAccepted(rotated.keyId()).isPresent());
    assertEquals(rotated.keyId(), onThere.current().keyId());
  }

  @Test
  void announcedRotationIsSeenAtOnce() {
    CachingLoginKeyStore there = new CachingLoginKeyStore(shared, Duration.ofSeconds(30), clock);
    CachingLoginKeyStore here =
        new CachingLoginKeyStore(shared, Duration.ofSeconds(30), clock, there::invalidate);
    assertEquals(0, there.findAll().size());

    LoginKey made = ring(here).rotateIfDue();

    assertEquals(made.keyId(), ring(there).current().keyId());
  }
}
