package org.cmsbroker.login;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cmsbroker.login.LoginRejectedException.Reason;
import org.junit.jupiter.api.Test;

class LoginChallengesTest {

  private final MutableClock clock = MutableClock.atStart();
  private final InMemoryChallengeStore store = new InMemoryChallengeStore(1_000);
  private final byte[] key = new byte[32];
  private final LoginChallenges challenges =
      new LoginChallenges(store, Duration.ofMinutes(5), clock, new SecureRandom(), key);

  @Test
  void challengeIsBase64UrlOfRandomBytesExpiryAndMacAndExpiresInFiveMinutes() {
    Challenge challenge = challenges.issue();

    assertEquals(LoginChallenges.LENGTH, challenge.value().length());
    assertEquals(clock.instant().plus(Duration.ofMinutes(5)), challenge.expiresAt());
    assertNotEquals(challenge.value(), challenges.issue().value());
  }

  @Test
  void challengeCanBeConsumedOnce() {
    Challenge challenge = challenges.issue();

    assertDoesNotThrow(() -> challenges.consume(challenge.value()));
  }

  @Test
  void challengeCannotBeConsumedTwice() throws Exception {
    Challenge challenge = challenges.issue();
    challenges.consume(challenge.value());

    LoginRejectedException e =
        assertThrows(LoginRejectedException.class, () -> challenges.consume(challenge.value()));
    assertEquals(Reason.REPLAYED_CHALLENGE, e.reason());
    assertEquals("The login challenge was already used.", e.getMessage());
  }

  @Test
  void expiredChallengeIsRejected() {
    Challenge challenge = challenges.issue();
    clock.advance(Duration.ofMinutes(5));

    LoginRejectedException e =
        assertThrows(LoginRejectedException.class, () -> challenges.consume(challenge.value()));
    assertEquals(Reason.EXPIRED_CHALLENGE, e.reason());
  }

  @Test
  void challengeIsAcceptedJustBeforeExpiry() {
    Challenge challenge = challenges.issue();
    clock.advance(Duration.ofMinutes(5).minusMillis(1));

    assertDoesNotThrow(() -> challenges.consume(challenge.value()));
  }

  @Test
  void unknownChallengeIsRejected() {
    String neverIssued = "A".repeat(LoginChallenges.LENGTH);

    LoginRejectedException e =
        assertThrows(LoginRejectedException.class, () -> challenges.consume(neverIssued));
    assertEquals(Reason.UNKNOWN_CHALLENGE, e.reason());
  }

  @Test
  void challengeOfTheWrongFormatIsUnknown() {
    LoginRejectedException e =
        assertThrows(LoginRejectedException.class, () -> challenges.consume("short"));
    assertEquals(Reason.UNKNOWN_CHALLENGE, e.reason());
  }

  @Test
  void purgeForgetsExpiredConsumedChallenges() throws Exception {
    challenges.consume(challenges.issue().value());
    clock.advance(Duration.ofMinutes(6));
    challenges.consume(challenges.issue().value());

    challenges.purgeExpired();

    assertEquals(1, store.size());
  }

  @Test
  void issuingStoresNothingWhateverTheTraffic() {
    for (int i = 0; i < 100_000; i++) {
      challenges.issue();
    }

    assertEquals(0, store.size());
  }

  @Test
  void consumedChallengesStayWithinTheStoresCapacityAndThenLoginsAreRefused() throws Exception {
    for (int i = 0; i < 1_000; i++) {
      challenges.consume(challenges.issue().value());
    }

    LoginRejectedException e =
        assertThrows(
            LoginRejectedException.class, () -> challenges.consume(challenges.issue().value()));
    assertEquals(Reason.TOO_MANY_LOGINS, e.reason());
    assertEquals(1_000, store.size());
  }

  @Test
  void aFullStoreTakesNewChallengesOnceTheOldOnesExpire() throws Exception {
    for (int i = 0; i < 1_000; i++) {
      challenges.consume(challenges.issue().value());
    }
    clock.advance(Duration.ofMinutes(5));

    assertDoesNotThrow(() -> challenges.consume(challenges.issue().value()));
    assertEquals(1, store.size());
  }

  @Test
  void forgedChallengeIsUnknown() {
    String issued = challenges.issue().value();
    // Same shape, other bytes: change one character of the random part, keep the MAC.
    char[] forged = issued.toCharArray();
    forged[0] = forged[0] == 'A' ? 'B' : 'A';

    LoginRejectedException e =
        assertThrows(LoginRejectedException.class, () -> challenges.consume(new String(forged)));
    assertEquals(Reason.UNKNOWN_CHALLENGE, e.reason());
  }

  @Test
  void aLaterExpiryCannotBeWrittenIntoAChallenge() {
    String issued = challenges.issue().value();
    byte[] bytes = java.util.Base64.getUrlDecoder().decode(issued);
    java.nio.ByteBuffer.wrap(bytes, 16, 8).putLong(Long.MAX_VALUE / 2);
    String extended = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

    LoginRejectedException e =
        assertThrows(LoginRejectedException.class, () -> challenges.consume(extended));
    assertEquals(Reason.UNKNOWN_CHALLENGE, e.reason());
  }

  @Test
  void challengeOfAnotherKeyIsUnknown() {
    byte[] otherKey = new byte[32];
    otherKey[0] = 1;
    LoginChallenges other =
        new LoginChallenges(store, Duration.ofMinutes(5), clock, new SecureRandom(), otherKey);

    LoginRejectedException e =
        assertThrows(LoginRejectedException.class, () -> challenges.consume(other.issue().value()));
    assertEquals(Reason.UNKNOWN_CHALLENGE, e.reason());
  }

  @Test
  void concurrentConsumersGetTheChallengeExactlyOnce() throws Exception {
    Challenge challenge = challenges.issue();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> tasks = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        tasks.add(
            () -> {
              try {
                challenges.consume(challenge.value());
                return true;
              } catch (LoginRejectedException e) {
                return false;
              }
            });
      }
      int successes = 0;
      for (Future<Boolean> f : pool.invokeAll(tasks)) {
        successes += f.get() ? 1 : 0;
      }
      assertEquals(1, successes);
    } finally {
      pool.shutdownNow();
    }
  }
}
