package org.cmsbroker.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Commits that queued callbacks start delivery runs, coalesced while one waits to start. */
class CallbackDispatchTriggerTest {
  private final List<Runnable> submitted = new ArrayList<>();
  private final AtomicBoolean refuse = new AtomicBoolean();
  private final AtomicInteger runs = new AtomicInteger();

  private CallbackDispatchTrigger trigger() {
    CallbackDispatchTrigger trigger = new CallbackDispatchTrigger();
    trigger.dispatcher =
        new CallbackDispatchTimer() {
          @Override
          public void dispatchDue() {
            runs.incrementAndGet();
          }
        };
    trigger.executor =
        (ManagedExecutorService)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ManagedExecutorService.class},
                (proxy, method, args) -> {
                  if (!method.getName().equals("execute")) {
                    throw new UnsupportedOperationException(method.getName());
                  }
                  if (refuse.get()) {
                    throw new RejectedExecutionException("full");
                  }
                  submitted.add((Runnable) args[0]);
                  return null;
                });
    return trigger;
  }

  private static CallbackEnqueued commit(int n) {
    return new CallbackEnqueued("cb_" + n);
  }

  @Test
  void commitsWhileARunWaitsToStartSubmitNothingMoreAndThatRunServesThemAll() {
    CallbackDispatchTrigger trigger = trigger();
    trigger.committed(commit(1));
    trigger.committed(commit(2));
    trigger.committed(commit(3));
    assertEquals(1, submitted.size());
    submitted.get(0).run();
    assertEquals(1, runs.get());
  }

  @Test
  void aCommitAfterTheRunStartedSubmitsAnotherRun() {
    CallbackDispatchTrigger trigger = trigger();
    trigger.committed(commit(1));
    submitted.get(0).run();
    trigger.committed(commit(2));
    assertEquals(2, submitted.size());
    submitted.get(1).run();
    assertEquals(2, runs.get());
  }

  @Test
  void aCommitWhoseRunWasRefusedLeavesTheNextCommitFreeToSubmit() {
    CallbackDispatchTrigger trigger = trigger();
    refuse.set(true);
    trigger.committed(commit(1));
    refuse.set(false);
    trigger.committed(commit(2));
    assertEquals(1, submitted.size());
    submitted.get(0).run();
    assertEquals(1, runs.get());
  }
}
