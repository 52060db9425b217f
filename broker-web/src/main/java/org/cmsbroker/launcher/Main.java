package org.cmsbroker.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.cmsbroker.launcher.sitecheck.SiteCheckCommand;
import org.cmsbroker.logging.SecretMaskingFilter;

/**
 * {@code java -jar broker.jar [command]}: the one thing an admin runs.
 *
 * <ul>
 *   <li>{@code run} (the default): check the configuration, prepare TLS material, boot the broker
 *       and print its URL when it answers.
 *   <li>{@code prepare}: the same checks and files without booting, plus the options to run the WAR
 *       under a stock {@code payara-micro.jar} (used by the integration tests).
 *   <li>{@code admin ...}: manage accounts and OpenID Connect clients in the running broker ({@link
 *       AdminClient}).
 *   <li>{@code backup --recipient KEY --out FILE}: an encrypted backup of the running broker
 *       ({@link BackupCommand}).
 *   <li>{@code restore --in FILE --key KEY}: a backup into an empty database ({@link
 *       RestoreCommand}).
 *   <li>{@code check --site URL}: probe a CMS site from outside ({@link SiteCheckCommand}).
 *   <li>{@code help}: usage.
 * </ul>
 *
 * Exit codes: 0 success, 1 failure after the configuration was accepted (for {@code admin}: the
 * broker refused, or none is running), 2 a bad setting or usage.
 */
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_SETTING = 2;

  private Main() {}

  public static void main(String[] args) {
    boolean run = args.length == 0 || args[0].toLowerCase(Locale.ROOT).equals("run");
    if (run && ServerJvm.shouldRelaunch(System.getenv())) {
      System.exit(ServerJvm.relaunch(System.getenv()));
    }
    if (run) {
      ServerJvm.watchParent();
    }
    int code = run(args, System.out, System.err);
    if (code != OK || args.length > 0 && !args[0].equals("run")) {
      System.exit(code);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    String command = args.length == 0 ? "run" : args[0].toLowerCase(Locale.ROOT);
    try {
      switch (command) {
        case "run":
          return start(out, err);
        case "prepare":
          return prepare(out);
        case "admin":
          return AdminClient.run(Arrays.asList(args).subList(1, args.length), out, err);
        case "check":
          {
            List<String> rest = Arrays.asList(args).subList(1, args.length);
            // "check --site URL" probes a CMS site; "check" alone asks the running broker for its
            // own self-check.
            if (rest.stream().anyMatch(a -> a.equals("--site") || a.startsWith("--site="))
                || rest.stream().anyMatch(a -> Set.of("help", "--help", "-h").contains(a))) {
              return SiteCheckCommand.run(rest, out, err);
            }
            List<String> self = new java.util.ArrayList<>(List.of("self-check"));
            self.addAll(rest);
            return AdminClient.run(self, out, err);
          }
        case "backup":
          return BackupCommand.run(Arrays.asList(args).subList(1, args.length), out, err);
        case "restore":
          return RestoreCommand.run(Arrays.asList(args).subList(1, args.length), out, err);
        case "help", "--help", "-h":
          out.print(usage());
          return OK;
        default:
          err.println("broker: unknown command \"" + SettingsLoader.printable(args[0]) + "\"");
          err.print(usage());
          return BAD_SETTING;
      }
    } catch (ConfigException e) {
      err.println("broker: " + e.getMessage());
      return BAD_SETTING;
    }
  }

  static String usage() {
    return """
        Usage: java -jar broker.jar [command]

          run       check the configuration and start the broker (default)
          prepare   check the configuration and write <data dir>/runtime/ without starting
          admin     manage accounts and OpenID Connect clients in the running broker
                    ("admin help" for its commands)
          backup    write an encrypted backup of the running broker:
                    backup --recipient operator-key.asc --out FILE ("backup --help")
          restore   restore a backup into an empty database, the broker stopped:
                    restore --in FILE --key private-key.asc|- ("restore --help")
          check     the running broker's security self-check (certificate days left, plain
                    HTTP, default keystore, file permissions, database credentials, clock, last
                    backup, audit chain; --json); exit 1 when something fails
          check --site URL
                    probe a CMS site from outside (TLS, redirects, HSTS, exposed CiviCRM and
                    TYPO3 directories, plaintext FTP): check --site https://cms.example.org
                    ("check --help" for its checks and options)
          help      this text

        Settings come from system properties (-Dbroker.https.port=8443), environment variables
        (BROKER_HTTPS_PORT=8443) or <data dir>/broker.properties; see README.md.

        The server's logs mask card numbers (Luhn-valid), e-mail addresses, bearer tokens, JWTs and
        JWEs, and the values of password- or secret-like fields before any handler writes them.
        """;
  }

  private static Prepared prepareFiles() throws ConfigException {
    LauncherSettings settings = SettingsLoader.fromProcess().load();
    DataDirectory data = DataDirectory.prepare(settings.dataDir());
    Preflight.portFree("BROKER_HTTPS_PORT", settings.bindAddress(), settings.httpsPort());
    if (settings.httpPort().isPresent()) {
      Preflight.portFree(
          "BROKER_HTTP_PORT", settings.bindAddress(), settings.httpPort().getAsInt());
    }
    TlsMaterial tls = TlsMaterial.load(settings, data, Clock.systemUTC());
    Path home = installDirectory();
    Preflight.databaseReachable(settings, home.resolve("lib").resolve("jdbc"));
    Path war = home.resolve("broker.war");
    if (!Files.isRegularFile(war)) {
      throw new IllegalStateException("broker.war is missing beside broker.jar in " + home);
    }
    Path libraries = home.resolve("lib").resolve(ApplicationLibraries.JAR);
    if (!Files.isRegularFile(libraries)) {
      throw new IllegalStateException(
          "lib/" + ApplicationLibraries.JAR + " is missing beside broker.jar in " + home);
    }
    try {
      return new Prepared(
          settings, tls, RuntimeLayout.write(settings, data, tls, war, libraries), home);
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(
          "BROKER_DATA_DIR",
          "cannot write "
              + settings.dataDir().resolve("runtime")
              + ": "
              + SettingsLoader.describe(e));
    }
  }

  private static int start(PrintStream out, PrintStream err) throws ConfigException {
    long started = System.nanoTime();
    Prepared prepared = prepareFiles();
    LauncherSettings settings = prepared.settings();
    PayaraBoot.Booted booted;
    try {
      booted = PayaraBoot.boot(settings, prepared.layout());
    } catch (Exception e) {
      err.println("broker: the server failed to start: " + SettingsLoader.describe(e));
      return halt(FAILED);
    }
    MalformedUriLogFilter.install();
    // Handlers added during boot besides those logging.properties made (already masked).
    SecretMaskingFilter.installOnEveryHandler();
    if (!booted.failedCommands().isEmpty()) {
      err.println(
          "broker: hardening commands were refused: " + String.join("; ", booted.failedCommands()));
      return halt(FAILED);
    }
    if (!booted.deployed()) {
      err.println("broker: the broker application failed to deploy (the cause is logged above)");
      return halt(FAILED);
    }
    String problem =
        ReadyProbe.awaitReady(
            settings.bindAddress(),
            settings.httpsPort(),
            prepared.tls().leaf(),
            Duration.ofSeconds(90));
    if (problem != null) {
      err.println("broker: the server started but is not ready: " + problem);
      return halt(FAILED);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(
        Locale.ROOT,
        "broker: ready at %s/ (started in %.1f s; %s certificate)%n",
        settings.publicUrl(),
        seconds,
        prepared.tls().selfSigned() ? "self-signed" : "operator's");
    HeapCompaction.afterBoot();
    return OK;
  }

  /** A failed boot leaves Payara's threads running: the JVM must be stopped explicitly. */
  private static int halt(int code) {
    System.exit(code);
    return code;
  }

  private static int prepare(PrintStream out) throws ConfigException {
    Prepared prepared = prepareFiles();
    RuntimeLayout layout = prepared.layout();
    try {
      Path preboot = layout.runtimeDir().resolve("preboot.txt");
      DataDirectory.writeOwnerOnly(
          preboot, layout.preBootCommandFile().getBytes(StandardCharsets.UTF_8));
      StringBuilder jvm = new StringBuilder();
      for (Map.Entry<String, String> p : layout.systemProperties().entrySet()) {
        jvm.append(quote("-D" + p.getKey() + "=" + p.getValue())).append('\n');
      }
      Path jvmOptions = layout.runtimeDir().resolve("jvm-options");
      DataDirectory.writeOwnerOnly(jvmOptions, jvm.toString().getBytes(StandardCharsets.UTF_8));
      LauncherSettings s = prepared.settings();
      String microOptions =
          "--rootdir "
              + layout.payaraRoot()
              + " --sslport "
              + s.httpsPort()
              + " --sslcert "
              + TlsMaterial.ALIAS
              + " --nohazelcast --prebootcommandfile "
              + preboot;
      DataDirectory.writeOwnerOnly(
          layout.runtimeDir().resolve("micro-options"),
          microOptions.getBytes(StandardCharsets.UTF_8));
      // The broker and its libraries, deployed as the launcher does (see ApplicationLibraries).
      Path postboot = layout.runtimeDir().resolve("postboot.txt");
      DataDirectory.writeOwnerOnly(
          postboot,
          (String.join(" ", layout.deployCommand(PayaraBoot.APPLICATION)) + "\n")
              .getBytes(StandardCharsets.UTF_8));
      out.println("broker: prepared " + layout.runtimeDir());
      out.println(
          "To run the broker under a stock Payara Micro:\n  java @"
              + jvmOptions
              + " -jar "
              + prepared.home().resolve("lib").resolve("payara-micro.jar")
              + " --postbootcommandfile "
              + postboot
              + " --port "
              + s.httpPort().orElse(8080)
              + " "
              + microOptions);
      return OK;
    } catch (IOException e) {
      throw new ConfigException(
          "BROKER_DATA_DIR", "cannot write the runtime files: " + SettingsLoader.describe(e));
    }
  }

  /** A java launcher argument file entry: double-quoted, with quotes and backslashes escaped. */
  static String quote(String argument) {
    return "\"" + argument.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The directory holding broker.jar, broker.war and lib/. */
  static Path installDirectory() {
    Path jar = jarFile();
    return Files.isDirectory(jar) ? jar : jar.getParent();
  }

  /** broker.jar itself (a directory of classes when run from a build). */
  static Path jarFile() {
    try {
      return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Prepared(
      LauncherSettings settings, TlsMaterial tls, RuntimeLayout layout, Path home) {}
}
