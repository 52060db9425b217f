package org.cmsbroker.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.cmsbroker.callback.DeliveryLanes.Verdict;
import org.junit.jupiter.api.Test;

class DeliveryLanesTest {
  private final MutableClock clock = MutableClock.atStart();
  private final DeliveryLanes lanes =
      new DeliveryLanes(3, Duration.ofSeconds(1), Duration.ofSeconds(10), clock);

  @Test
  void anEndpointTakesAtMostItsParallelismAtOnce() {
    assertEquals(3, lanes.room("crm-a"));
    lanes.start("crm-a");
    lanes.start("crm-a");
    assertEquals(1, lanes.room("crm-a"));
    lanes.start("crm-a");

    assertEquals(0, lanes.room("crm-a"));
    assertEquals(new ClaimLimits(10, 3, Map.of("crm-a", 0)), lanes.limits(10));
    assertEquals(3, lanes.room("crm-b"));

    lanes.finish("crm-a", Verdict.SUCCESS);
    assertEquals(1, lanes.room("crm-a"));
    assertEquals(2, lanes.inFlight());
  }

  @Test
  void aFailingEndpointBacksOffAloneWithADoublingCappedDelay() {
    lanes.start("crm-a");
    lanes.start("crm-b");
    lanes.finish("crm-a", Verdict.ENDPOINT_FAILURE);

    assertEquals(0, lanes.room("crm-a"));
    assertEquals(2, lanes.room("crm-b"));
    assertEquals(Optional.of(clock.instant().plusSeconds(1)), lanes.nextOpening());
    ClaimLimits limits = lanes.limits(20);
    assertEquals(0, limits.roomOf("crm-a"));
    assertEquals(2, limits.roomOf("crm-b"));
    assertEquals(3, limits.roomOf("crm-c"));

    assertEquals(Duration.ofSeconds(1), lanes.backoff(1));
    assertEquals(Duration.ofSeconds(2), lanes.backoff(2));
    assertEquals(Duration.ofSeconds(8), lanes.backoff(4));
    assertEquals(Duration.ofSeconds(10), lanes.backoff(5));
    assertEquals(Duration.ofSeconds(10), lanes.backoff(1000));
  }

  @Test
  void aReopenedEndpointIsProbedOneAtATimeUntilItTakesAMessage() {
    lanes.start("crm-a");
    lanes.finish("crm-a", Verdict.ENDPOINT_FAILURE);
    clock.advance(Duration.ofSeconds(1));

    assertEquals(1, lanes.room("crm-a"));
    lanes.start("crm-a");
    assertEquals(0, lanes.room("crm-a"));
    lanes.finish("crm-a", Verdict.ENDPOINT_FAILURE);
    // The second failure in a row: twice the backoff.
    clock.advance(Duration.ofMillis(1999));
    assertEquals(0, lanes.room("crm-a"));
    clock.advance(Duration.ofMillis(1));
    assertEquals(1, lanes.room("crm-a"));

    lanes.start("crm-a");
    lanes.finish("crm-a", Verdict.SUCCESS);
    assertEquals(3, lanes.room("crm-a"));
    assertEquals(Optional.empty(), lanes.nextOpening());
    assertEquals(ClaimLimits.of(5).room(), lanes.limits(5).room());
  }

  @Test
  void anAnswerAboutTheMessageLeavesTheEndpointAlone() {
    lanes.start("crm-a");
    lanes.finish("crm-a", Verdict.NEUTRAL);
    assertEquals(3, lanes.room("crm-a"));

    lanes.start("crm-a");
    lanes.finish("crm-a", Verdict.ENDPOINT_FAILURE);
    clock.advance(Duration.ofSeconds(1));
    lanes.start("crm-a");
    lanes.finish("crm-a", Verdict.NEUTRAL);
    // Still probing: a 4xx says nothing about whether the endpoint is back.
    assertEquals(1, lanes.room("crm-a"));
  }

  @Test
  void theVerdictOfAnOutcomeBlamesTheEndpointOnlyForNoAnswerOr5xx408And429() {
    assertEquals(Verdict.SUCCESS, DeliveryLanes.verdict(new DeliveryOutcome.Delivered(204)));
    for (Integer status : new Integer[] {null, 500, 503, 408, 429}) {
      assertEquals(
          Verdict.ENDPOINT_FAILURE,
          DeliveryLanes.verdict(new DeliveryOutcome.Retry(status, "x")),
          String.valueOf(status));
    }
    assertEquals(Verdict.NEUTRAL, DeliveryLanes.verdict(new DeliveryOutcome.Retry(404, "x")));
    assertEquals(Verdict.NEUTRAL, DeliveryLanes.verdict(new DeliveryOutcome.GiveUp(410, "x")));
    assertEquals(Verdict.NEUTRAL, DeliveryLanes.verdict(new DeliveryOutcome.GiveUp(null, "x")));
  }

  @Test
  void finishingWhatNeverStartedIsABug() {
    assertThrows(IllegalStateException.class, () -> lanes.finish("crm-a", Verdict.SUCCESS));
    assertTrue(lanes.limits(1).room().isEmpty());
  }
}
