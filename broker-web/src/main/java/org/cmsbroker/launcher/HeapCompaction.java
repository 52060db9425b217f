package org.cmsbroker.launcher;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives the memory that booting needed back to the machine once the broker is ready.
 *
 * <p>Deploying the broker (class scanning, CDI, JPA metadata) leaves the heap grown to its maximum
 * with garbage, and the serial collector keeps what it committed: 510 MiB resident when idle,
 * measured, of which 256 MiB heap with 80 MiB of it live. After the ready line this runs a few full
 * collections on a background thread with the heap's free-ratio bounds tightened for the occasion
 * (the serial collector shrinks a generation step by step, over successive full collections) and
 * then puts the bounds back, so the heap grows again as usual under load: 428 MiB resident idle in
 * the same run. Both flags are manageable (settable at run time) in HotSpot; on a JVM where they
 * are not, only the collections run.
 */
final class HeapCompaction {
  private static final Logger LOG = Logger.getLogger(HeapCompaction.class.getName());

  /** Full collections to run: the serial collector's shrink factor reaches 100 % at the fourth. */
  static final int COLLECTIONS = 4;

  private HeapCompaction() {}

  /** Starts the compaction on a daemon thread and returns at once. */
  static void afterBoot() {
    Thread thread = new Thread(HeapCompaction::run, "broker-heap-compaction");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
  }

  private static void run() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    String min = value(vm, "MinHeapFreeRatio");
    String max = value(vm, "MaxHeapFreeRatio");
    boolean tightened = set(vm, "MinHeapFreeRatio", "10") && set(vm, "MaxHeapFreeRatio", "30");
    try {
      for (int i = 0; i < COLLECTIONS; i++) {
        System.gc();
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (tightened) {
        set(vm, "MaxHeapFreeRatio", max);
        set(vm, "MinHeapFreeRatio", min);
      }
    }
  }

  private static String value(HotSpotDiagnosticMXBean vm, String flag) {
    try {
      return vm.getVMOption(flag).getValue();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean set(HotSpotDiagnosticMXBean vm, String flag, String value) {
    if (value == null) {
      return false;
    }
    try {
      vm.setVMOption(flag, value);
      return true;
    } catch (IllegalArgumentException | SecurityException e) {
      LOG.log(Level.FINE, () -> "heap compaction: " + flag + " not settable: " + e);
      return false;
    }
  }
}
