package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerJvmTest {
  private static final Path JAVA_HOME = Path.of("/jdk");
  private static final Path JAR = Path.of("/opt/broker/broker.jar");

  @Test
  void theServerJvmGetsTheDefaultMemoryAndCollectorOptions() {
    List<String> command = ServerJvm.command(JAVA_HOME, JAR, Optional.empty(), List.of(), 42);

    assertEquals("/jdk/bin/java", command.get(0));
    assertTrue(command.containsAll(ServerJvm.DEFAULT_OPTIONS));
    assertEquals(
        List.of("-Dbroker.launcher.parent=42", "-jar", "/opt/broker/broker.jar", "run"),
        command.subList(command.size() - 4, command.size()));
  }

  @Test
  void configuredOptionsReplaceTheDefaults() {
    List<String> command =
        ServerJvm.command(JAVA_HOME, JAR, Optional.of("-Xmx1g   -XX:+UseG1GC"), List.of(), 42);

    assertTrue(command.contains("-Xmx1g"));
    assertTrue(command.contains("-XX:+UseG1GC"));
    assertFalse(command.contains("-XX:+UseSerialGC"));
  }

  @Test
  void settingsAndMemoryOptionsGivenToTheLauncherReachTheServerAndWin() {
    List<String> command =
        ServerJvm.command(
            JAVA_HOME,
            JAR,
            Optional.empty(),
            List.of("-Dbroker.https.port=9443", "-Xmx384m", "-agentlib:jdwp=transport=dt_socket"),
            42);

    assertTrue(command.contains("-Dbroker.https.port=9443"));
    assertTrue(command.indexOf("-Xmx384m") > command.indexOf("-Xmx256m"), "given after: wins");
    assertFalse(
        command.stream().anyMatch(o -> o.startsWith("-agentlib")), "debug port not doubled");
  }

  @Test
  void aParentMarkerGivenToTheLauncherIsNotForwarded() {
    List<String> command =
        ServerJvm.command(
            JAVA_HOME, JAR, Optional.empty(), List.of("-Dbroker.launcher.parent=7"), 42);

    assertEquals(1, command.stream().filter(o -> o.startsWith("-Dbroker.launcher.parent")).count());
    assertTrue(command.contains("-Dbroker.launcher.parent=42"));
  }

  @Test
  void inlineKeepsTheServerInTheLaunchingJvm() {
    assertFalse(ServerJvm.shouldRelaunch(Map.of("BROKER_JAVA_OPTS", "inline")));
    assertTrue(ServerJvm.shouldRelaunch(Map.of()));
    assertTrue(ServerJvm.shouldRelaunch(Map.of("BROKER_JAVA_OPTS", "-Xmx300m")));
  }
}
