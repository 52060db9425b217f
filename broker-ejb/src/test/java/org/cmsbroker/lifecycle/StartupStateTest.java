package org.cmsbroker.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cmsbroker.lifecycle.StartupState.Part;
import org.junit.jupiter.api.Test;

class StartupStateTest {

  @Test
  void aPartThatHasNotReportedIsStartingAndNotReady() {
    StartupState state = new StartupState();

    assertFalse(state.isReady(Part.DATABASE));
    assertEquals("starting", state.status(Part.DATABASE).detail());
  }

  @Test
  void aFailedPartBecomesReadyWhenARetrySucceeds() {
    StartupState state = new StartupState();
    state.failed(Part.DATABASE, "SQLException");
    assertFalse(state.isReady(Part.DATABASE));

    state.ready(Part.DATABASE, "14");

    assertTrue(state.isReady(Part.DATABASE));
    assertEquals("14", state.status(Part.DATABASE).detail());
  }

  @Test
  void aLaterFailureDoesNotTakeAReadyPartOutOfService() {
    StartupState state = new StartupState();
    state.ready(Part.SIGNING_KEYS, "kid-1");

    state.failed(Part.SIGNING_KEYS, "PersistenceException");

    assertTrue(state.isReady(Part.SIGNING_KEYS));
  }

  @Test
  void partsAreIndependent() {
    StartupState state = new StartupState();
    state.ready(Part.LOGIN_KEYS, "kid");

    assertTrue(state.isReady(Part.LOGIN_KEYS));
    assertFalse(state.isReady(Part.SIGNING_KEYS));
  }
}
