package org.cmsbroker.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar broker.jar ...} as an operator runs it, in its own process, with the settings
 * given as environment variables. Output goes to files in the data directory's parent.
 */
public final class BrokerProcess implements AutoCloseable {
  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final Map<String, String> environment;

  private BrokerProcess(Process process, Path stdout, Path stderr, Map<String, String> env) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.environment = env;
  }

  /** Starts broker.jar with these environment variables (and the JVM options given). */
  public static BrokerProcess start(Path workDir, Map<String, String> env, String... args)
      throws IOException {
    return start(workDir, env, false, args);
  }

  private static BrokerProcess start(
      Path workDir, Map<String, String> env, boolean shortCommand, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(shortCommand ? "-Xmx64m" : "-Xmx384m");
    command.add("-XX:+UseSerialGC");
    command.add("-jar");
    command.add(BrokerHome.brokerJar().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("BROKER_"));
    builder.environment().putAll(env);
    String stamp = Long.toString(System.nanoTime());
    Path out = workDir.resolve("broker-" + stamp + ".out");
    Path err = workDir.resolve("broker-" + stamp + ".err");
    builder.redirectOutput(out.toFile());
    builder.redirectError(err.toFile());
    return new BrokerProcess(builder.start(), out, err, new HashMap<>(env));
  }

  /**
   * What a finished {@code broker.jar} run left behind.
   *
   * @param exitCode the process's exit code
   * @param stdout its standard output
   * @param stderr its standard error
   */
  public record Completed(int exitCode, String stdout, String stderr) {}

  /**
   * Runs {@code broker.jar} with these arguments to its end, feeding {@code input} (UTF-8; none if
   * null) to its standard input, which is then closed.
   */
  public static Completed run(
      Path workDir, Map<String, String> env, String input, Duration timeout, String... args)
      throws IOException, InterruptedException {
    BrokerProcess process = start(workDir, env, true, args);
    try (var stdin = process.process.getOutputStream()) {
      if (input != null) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
    }
    int code = process.awaitExit(timeout);
    return new Completed(code, process.stdout(), process.stderr());
  }

  /** Waits for the launcher's "ready" line; fails with the output when it exits or times out. */
  public BrokerProcess awaitReady(Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (stdout().contains("broker: ready at ")) {
        return this;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "broker exited with " + process.exitValue() + ":\n" + stderr() + "\n" + tail(stdout()));
      }
      Thread.sleep(200);
    }
    throw new AssertionError("broker not ready in " + timeout + ":\n" + stderr() + tail(stdout()));
  }

  /** Waits for the process to end by itself and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("broker did not exit within " + timeout);
    }
    return process.exitValue();
  }

  public String stdout() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  public String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  public Map<String, String> environment() {
    return environment;
  }

  private static String tail(String text) {
    return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
  }

  /**
   * Kills the broker at once (SIGKILL), as a crash or a pulled plug would: the server JVM the
   * launcher started first, so it has no chance to shut down cleanly, then the launcher.
   */
  public void kill() throws InterruptedException {
    for (ProcessHandle child : process.descendants().toList()) {
      child.destroyForcibly();
      child.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> child).join();
    }
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** Stops the broker as an operator would (SIGTERM), forcibly if it hangs. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
