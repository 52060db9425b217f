package org.cmsbroker.launcher;

import fish.payara.micro.BootstrapException;
import fish.payara.micro.ClusterCommandResult;
import fish.payara.micro.PayaraMicro;
import fish.payara.micro.PayaraMicroRuntime;
import fish.payara.micro.boot.AdminCommandRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** Boots Payara Micro in this JVM with the prepared runtime directory. */
final class PayaraBoot {
  private PayaraBoot() {}

  /**
   * Sets the system properties, runs the pre-boot commands and deploys the WAR. Returns the failed
   * pre-boot commands (empty when all succeeded).
   */
  static Booted boot(LauncherSettings settings, RuntimeLayout layout) throws BootstrapException {
    for (Map.Entry<String, String> property : layout.systemProperties().entrySet()) {
      System.setProperty(property.getKey(), property.getValue());
    }
    List<String> failed = new ArrayList<>();
    PayaraMicro micro = PayaraMicro.getInstance();
    micro.setRootDir(layout.payaraRoot().toFile());
    micro.setLogPropertiesFile(layout.loggingProperties().toFile());
    micro.setSslPort(settings.httpsPort());
    micro.setSslAutoBind(false);
    micro.setSslCert(TlsMaterial.ALIAS);
    micro.setHttpPort(settings.httpPort().orElse(8080));
    micro.setHttpAutoBind(false);
    if (settings.cluster().isPresent()) {
      // Several instances: Payara's Data Grid on a fixed port, under the name derived from the
      // cluster secret; discovery (TCP/IP, the member list) comes with the pre-boot commands.
      micro.setClusterStartPort(settings.cluster().get().port());
      micro.setHzClusterName(settings.cluster().get().name());
    } else {
      // Single instance: setNoHazelcast alone (with setNoCluster, Micro ignores it).
      micro.setNoHazelcast(true);
    }
    // Deployed by command rather than addDeploymentFile: only the command takes the libraries.
    AtomicBoolean deployRefused = new AtomicBoolean();
    micro.setPostBootHandler(
        runner -> {
          ClusterCommandResult result = run(runner, layout.deployCommand(APPLICATION));
          deployRefused.set(
              result == null || result.getExitStatus() == ClusterCommandResult.ExitStatus.FAILURE);
        });
    micro.setPreBootHandler(
        runner -> {
          for (List<String> command : layout.preBootCommands()) {
            ClusterCommandResult result = run(runner, command);
            if (result != null
                && result.getExitStatus() == ClusterCommandResult.ExitStatus.FAILURE) {
              failed.add(String.join(" ", command));
            }
          }
        });
    PayaraMicroRuntime runtime = micro.bootStrap();
    boolean deployed =
        !deployRefused.get() && runtime.getDeployedApplicationNames().contains(APPLICATION);
    return new Booted(List.copyOf(failed), deployed);
  }

  /** Runs {@code command} (its name, then its options and operands). */
  private static ClusterCommandResult run(AdminCommandRunner runner, List<String> command) {
    return runner.run(command.get(0), command.subList(1, command.size()).toArray(new String[0]));
  }

  /** The broker's application name (deployed at "/"). */
  static final String APPLICATION = "ROOT";

  /**
   * What the boot did.
   *
   * @param failedCommands pre-boot commands Payara refused
   * @param deployed whether the broker's WAR deployed
   */
  record Booted(List<String> failedCommands, boolean deployed) {}
}
