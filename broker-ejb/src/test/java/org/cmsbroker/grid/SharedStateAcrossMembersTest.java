package org.cmsbroker.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cmsbroker.login.ChallengeStore;
import org.cmsbroker.login.GridChallengeStore;
import org.cmsbroker.login.GridThrottleStore;
import org.cmsbroker.login.LoginThrottle;
import org.cmsbroker.oidc.AuthorizationCode;
import org.cmsbroker.oidc.AuthorizationCodes;
import org.cmsbroker.oidc.AuthorizationCodes.Redemption;
import org.cmsbroker.oidc.GridPendingAuthorizationStore;
import org.cmsbroker.oidc.PendingAuthorization;
import org.cmsbroker.ratelimit.GridRateLimiter;
import org.cmsbroker.settings.ClusterName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The grid-backed stores on two real Hazelcast members: what one instance writes the other sees,
 * and what two instances race for has one winner.
 */
class SharedStateAcrossMembersTest {
  private static TwoMemberGrid grid;
  private final Clock clock = Clock.systemUTC();

  private static final GridCodec<Long> LONG =
      new GridCodec<>() {
        @Override
        public void write(Long value, DataOutputStream out) throws IOException {
          out.writeLong(value);
        }

        @Override
        public Long read(DataInputStream in) throws IOException {
          return in.readLong();
        }
      };

  @BeforeAll
  static void start() {
    grid = new TwoMemberGrid();
  }

  @AfterAll
  static void stop() {
    grid.close();
  }

  @Test
  void bothMembersFormOneGrid() {
    assertEquals(2, grid.a().memberCount());
    assertEquals(2, grid.b().memberCount());
  }

  @Test
  void memberWithAnotherSecretDoesNotJoin() {
    HazelcastInstance stranger =
        grid.stranger(ClusterName.of(TwoMemberGrid.SECRET.replace('a', 'b')));
    try {
      assertEquals(1, stranger.getCluster().getMembers().size());
      assertEquals(2, grid.a().memberCount());
    } finally {
      stranger.shutdown();
    }
  }

  @Test
  void counterUpdatedFromBothMembersAtOnceLosesNoIncrement() throws Exception {
    GridMap<Long> onA = grid.a().map("test-counter", LONG);
    GridMap<Long> onB = grid.b().map("test-counter", LONG);
    List<Callable<Object>> tasks = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      GridMap<Long> map = i % 2 == 0 ? onA : onB;
      tasks.add(() -> map.update("k", v -> Optional.of(v.orElse(0L) + 1), Duration.ofMinutes(1)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (Future<Object> f : pool.invokeAll(tasks)) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(Optional.of(100L), onB.get("k"));
  }

  @Test
  void forgedValueIsTreatedAsAbsent() {
    GridMap<Long> onA = grid.a().map("test-forged", LONG);
    onA.put("k", 7L, Duration.ofMinutes(1));
    GridCipher name = new GridCipher(TwoMemberGrid.SECRET, new SecureRandom());
    grid.memberA()
        .<String, byte[]>getMap(Grid.PREFIX + "test-forged")
        .put(name.name(Grid.PREFIX + "test-forged", "k"), new byte[40]);
    assertEquals(Optional.empty(), grid.b().map("test-forged", LONG).get("k"));
  }

  @Test
  void entriesAreNamedByHmacAndSealed() {
    grid.a().map("test-names", LONG).put("account:alice", 1L, Duration.ofMinutes(1));
    var raw = grid.memberA().<String, byte[]>getMap(Grid.PREFIX + "test-names");
    assertEquals(1, raw.size());
    String key = raw.keySet().iterator().next();
    assertFalse(key.contains("alice"));
    assertTrue(raw.getEntryView(key).getTtl() > 0, "every entry has a time to live");
  }

  @Test
  void challengeConsumedOnOneInstanceIsAReplayOnTheOther() {
    ChallengeStore a = new GridChallengeStore(grid.a());
    ChallengeStore b = new GridChallengeStore(grid.b());
    Instant now = clock.instant();
    assertEquals(ChallengeStore.Outcome.CONSUMED, a.consume("c1", now.plusSeconds(60), now));
    assertEquals(
        ChallengeStore.Outcome.ALREADY_CONSUMED, b.consume("c1", now.plusSeconds(60), now));
    assertEquals(
        ChallengeStore.Outcome.ALREADY_CONSUMED, a.consume("c1", now.plusSeconds(60), now));
  }

  @Test
  void challengeConsumedOnBothInstancesAtOnceHasOneWinner() throws Exception {
    ChallengeStore a = new GridChallengeStore(grid.a());
    ChallengeStore b = new GridChallengeStore(grid.b());
    for (int round = 0; round < 20; round++) {
      String id = "race-" + round;
      Instant now = clock.instant();
      List<ChallengeStore.Outcome> outcomes =
          twoAtOnce(
              () -> a.consume(id, now.plusSeconds(60), now),
              () -> b.consume(id, now.plusSeconds(60), now));
      assertEquals(
          1, outcomes.stream().filter(o -> o == ChallengeStore.Outcome.CONSUMED).count(), id);
    }
  }

  @Test
  void codeIssuedOnOneInstanceIsRedeemedOnceOnTheOther() throws Exception {
    AuthorizationCodes a = new AuthorizationCodes(new SecureRandom(), clock, grid.a());
    AuthorizationCodes b = new AuthorizationCodes(new SecureRandom(), clock, grid.b());
    String code = a.issue(grant());
    Redemption first = b.redeem(code);
    assertInstanceOf(Redemption.Redeemed.class, first);
    b.recordIssued(code, "family-1");
    Redemption again = a.redeem(code);
    assertInstanceOf(Redemption.Replayed.class, again);
    assertEquals("family-1", ((Redemption.Replayed) again).issuedFamily());
    assertInstanceOf(Redemption.Invalid.class, a.redeem("x".repeat(43)));

    String raced = a.issue(grant());
    List<Redemption> both = twoAtOnce(() -> a.redeem(raced), () -> b.redeem(raced));
    assertEquals(1, both.stream().filter(r -> r instanceof Redemption.Redeemed).count());
    assertEquals(1, both.stream().filter(r -> r instanceof Redemption.Replayed).count());
  }

  @Test
  void pendingAuthorizationPutOnOneInstanceIsTakenOnceOnTheOther() throws Exception {
    var a = new GridPendingAuthorizationStore(grid.a(), clock);
    var b = new GridPendingAuthorizationStore(grid.b(), clock);
    Instant now = clock.instant();
    PendingAuthorization pending =
        new PendingAuthorization(
            "p1", "binding", "cms", "response_type=code", now, null, now.plusSeconds(600));
    a.put(pending);
    assertEquals(Optional.of(pending), b.find("p1"));
    List<Optional<PendingAuthorization>> both = twoAtOnce(() -> a.take("p1"), () -> b.take("p1"));
    assertEquals(1, both.stream().filter(Optional::isPresent).count());
    assertEquals(Optional.empty(), a.find("p1"));
  }

  @Test
  void failedLoginsCountOnEveryInstance() {
    LoginThrottle a =
        new LoginThrottle(new GridThrottleStore(grid.a(), Duration.ofHours(2)), clock);
    LoginThrottle b =
        new LoginThrottle(new GridThrottleStore(grid.b(), Duration.ofHours(2)), clock);
    a.recordFailure("bob", "192.0.2.1");
    assertFalse(b.check("bob", "192.0.2.99").allowed(), "the account's delay holds on B");
    b.forgetAccount("bob");
    assertTrue(a.check("bob", "192.0.2.99").allowed());
  }

  @Test
  void rateLimitIsOneBudgetForBothInstances() {
    GridRateLimiter a = new GridRateLimiter(grid.a(), "test-pay", 3, Duration.ofMinutes(1), clock);
    GridRateLimiter b = new GridRateLimiter(grid.b(), "test-pay", 3, Duration.ofMinutes(1), clock);
    assertTrue(a.tryAcquire("client:cms").allowed());
    assertTrue(b.tryAcquire("client:cms").allowed());
    assertTrue(a.tryAcquire("client:cms").allowed());
    var refused = b.tryAcquire("client:cms");
    assertFalse(refused.allowed());
    assertTrue(refused.retryAfterSeconds() >= 1);
    assertTrue(a.tryAcquire("client:other").allowed());
  }

  @Test
  void signalReachesTheOtherInstance() throws Exception {
    CountDownLatch heard = new CountDownLatch(1);
    grid.b().subscribe("test-signal", heard::countDown);
    grid.a().publish("test-signal");
    assertTrue(heard.await(10, java.util.concurrent.TimeUnit.SECONDS));
  }

  private static AuthorizationCode grant() {
    Instant now = Instant.now();
    return new AuthorizationCode(
        "cms",
        "https://cms.example/cb",
        null,
        "n",
        "openid",
        "acc-1",
        "sess",
        now,
        now.plus(AuthorizationCodes.LIFETIME));
  }

  private static <T> List<T> twoAtOnce(Callable<T> first, Callable<T> second) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      Future<T> f1 =
          pool.submit(
              () -> {
                go.await();
                return first.call();
              });
      Future<T> f2 =
          pool.submit(
              () -> {
                go.await();
                return second.call();
              });
      go.countDown();
      return List.of(f1.get(), f2.get());
    } finally {
      pool.shutdown();
    }
  }
}
