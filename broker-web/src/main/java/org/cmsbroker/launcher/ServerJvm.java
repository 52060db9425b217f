package org.cmsbroker.launcher;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the server in a JVM of its own, started with memory and garbage-collector options chosen for
 * the broker, the way {@code kc.sh} starts Keycloak: {@code java -jar broker.jar} with no options
 * would otherwise let the heap grow to a quarter of the machine's memory and use G1's larger
 * footprint (830-1,700 MiB resident when idle, measured; see README "Memory").
 *
 * <p>The launching JVM stays small and only waits: it forwards its own {@code -D} and {@code -X}
 * options (so settings given as system properties, and an explicit {@code -Xmx}, still apply), ends
 * the server when it is stopped, and exits with the server's exit code. The server JVM watches the
 * launching one and stops itself if it disappears (killed with {@code SIGKILL}), so no server is
 * ever left behind holding the ports.
 *
 * <p>{@code BROKER_JAVA_OPTS} (or {@code -Dbroker.java.opts=...}) replaces the default options:
 * whitespace-separated JVM options. {@code BROKER_JAVA_OPTS=inline} keeps the server in the
 * launching JVM (for debugging, or when a supervisor sets the JVM's options itself).
 */
final class ServerJvm {
  /** System property carrying the launching JVM's process id to the server JVM. */
  static final String PARENT_PROPERTY = "broker.launcher.parent";

  static final String SETTING = "BROKER_JAVA_OPTS";
  static final String PROPERTY = "broker.java.opts";

  /**
   * The default options: a heap sized for the broker (its working set is well under 100 MiB;
   * password hashes are bounded to one per core, 19 MiB each), the serial collector (the smallest
   * footprint, and on two cores as fast as any for this load), smaller thread stacks and code
   * cache, and an exit instead of limping on after running out of memory.
   */
  static final List<String> DEFAULT_OPTIONS =
      List.of(
          "-Xms48m",
          "-Xmx256m",
          "-XX:+UseSerialGC",
          "-Xss512k",
          "-XX:MaxMetaspaceSize=256m",
          "-XX:ReservedCodeCacheSize=80m",
          "-XX:MaxDirectMemorySize=64m",
          "-XX:+ExitOnOutOfMemoryError");

  private ServerJvm() {}

  /** Whether this JVM is the server JVM started by a launcher. */
  static boolean isServer() {
    return System.getProperty(PARENT_PROPERTY) != null;
  }

  /** The configured options, or empty for the defaults; {@code inline} means no server JVM. */
  static Optional<String> configured(Map<String, String> env) {
    String value = System.getProperty(PROPERTY);
    if (value == null) {
      value = env.get(SETTING);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** Whether {@code run} should start a server JVM rather than boot in this one. */
  static boolean shouldRelaunch(Map<String, String> env) {
    return !isServer()
        && !configured(env).map(v -> v.toLowerCase(Locale.ROOT).equals("inline")).orElse(false);
  }

  /**
   * The server JVM's command line: this JVM's {@code java}, the options (configured or default),
   * the {@code -D} and {@code -X} options this JVM was given (later, so they win), the parent
   * marker, then {@code -jar broker.jar run}.
   */
  static List<String> command(
      Path javaHome,
      Path brokerJar,
      Optional<String> configured,
      List<String> inherited,
      long pid) {
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin").resolve("java").toString());
    if (configured.isPresent()) {
      command.addAll(List.of(configured.get().split("\\s+")));
    } else {
      command.addAll(DEFAULT_OPTIONS);
    }
    for (String option : inherited) {
      if ((option.startsWith("-D") || option.startsWith("-X"))
          && !option.startsWith("-D" + PARENT_PROPERTY + "=")) {
        command.add(option);
      }
    }
    command.add("-D" + PARENT_PROPERTY + "=" + pid);
    command.add("-jar");
    command.add(brokerJar.toString());
    command.add("run");
    return command;
  }

  /** Starts the server JVM, waits for it, and returns its exit code. */
  static int relaunch(Map<String, String> env) {
    Path jar = Main.jarFile();
    List<String> command =
        command(
            Path.of(System.getProperty("java.home")),
            jar,
            configured(env),
            ManagementFactory.getRuntimeMXBean().getInputArguments(),
            ProcessHandle.current().pid());
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    // Fewer glibc malloc arenas: the same throughput, noticeably less resident memory.
    builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
    Process server;
    try {
      server = builder.start();
    } catch (IOException e) {
      System.err.println(
          "broker: cannot start the server JVM (" + SettingsLoader.describe(e) + ")");
      return Main.FAILED;
    }
    Thread stopServer =
        new Thread(
            () -> {
              if (server.isAlive()) {
                server.destroy();
                try {
                  if (!server.waitFor(60, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                  }
                } catch (InterruptedException e) {
                  server.destroyForcibly();
                  Thread.currentThread().interrupt();
                }
              }
            },
            "broker-stop-server");
    Runtime.getRuntime().addShutdownHook(stopServer);
    try {
      return server.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Main.FAILED;
    }
  }

  /**
   * In the server JVM: stop when the launching JVM is gone (killed without a chance to stop us).
   */
  static void watchParent() {
    String parent = System.getProperty(PARENT_PROPERTY);
    if (parent == null) {
      return;
    }
    try {
      Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(parent));
      if (handle.isEmpty()) {
        Runtime.getRuntime().halt(Main.FAILED);
      }
      handle.get().onExit().thenRun(() -> System.exit(Main.FAILED));
    } catch (NumberFormatException e) {
      // Not ours to interpret: no watch.
    }
  }
}
