package org.cmsbroker.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code broker.jar backup --recipient KEY.asc --out FILE}: asks the running broker, through the
 * admin socket, to write an encrypted backup of itself. The launcher only reads the operator's
 * public key file and resolves the output path; the broker (which holds the database) writes the
 * file, owner-only, and never replaces an existing one.
 */
final class BackupCommand {
  /** How long a backup may take before the command gives up waiting for the answer. */
  static final Duration TIMEOUT = Duration.ofMinutes(30);

  /** The largest public key file read (the admin request must stay under 64 KiB). */
  static final int MAX_KEY_BYTES = 40 * 1024;

  private BackupCommand() {}

  /** The parsed arguments. */
  record Arguments(Path recipient, Path out, boolean help) {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws ConfigException {
    Arguments arguments;
    try {
      arguments = parse(args);
    } catch (AdminArguments.UsageException e) {
      err.println("broker: " + e.getMessage());
      err.print(usage());
      return Main.BAD_SETTING;
    }
    if (arguments.help()) {
      out.print(usage());
      return Main.OK;
    }
    Path dataDir = SettingsLoader.fromProcess().load().dataDir();
    return execute(arguments, AdminClient.socketOf(dataDir), out, err);
  }

  static int execute(Arguments arguments, Path socket, PrintStream out, PrintStream err) {
    byte[] key;
    try {
      if (!Files.isRegularFile(arguments.recipient())) {
        err.println("broker: the recipient key " + arguments.recipient() + " is not a file");
        return Main.BAD_SETTING;
      }
      if (Files.size(arguments.recipient()) > MAX_KEY_BYTES) {
        err.println(
            "broker: the recipient key file is larger than "
                + MAX_KEY_BYTES
                + " bytes; export only the public key (gpg --armor --export KEY-ID)");
        return Main.BAD_SETTING;
      }
      key = Files.readAllBytes(arguments.recipient());
    } catch (IOException e) {
      err.println(
          "broker: cannot read the recipient key "
              + arguments.recipient()
              + ": "
              + SettingsLoader.describe(e));
      return Main.BAD_SETTING;
    }
    Path target = arguments.out();
    if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
      err.println("broker: the directory " + target.getParent() + " does not exist");
      return Main.BAD_SETTING;
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      err.println("broker: " + target + " already exists; a backup never replaces a file");
      return Main.BAD_SETTING;
    }
    List<Map.Entry<String, String>> fields =
        List.of(
            new SimpleImmutableEntry<>("out", target.toString()),
            new SimpleImmutableEntry<>("recipient_key", Base64.getEncoder().encodeToString(key)));
    return new AdminClient(socket, () -> null, out, err).send("backup.create", fields, TIMEOUT);
  }

  static Arguments parse(List<String> args) throws AdminArguments.UsageException {
    Path recipient = null;
    Path out = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--help") || arg.equals("-h") || arg.equals("help")) {
        return new Arguments(null, null, true);
      }
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg : arg.substring(0, equals);
      String value;
      if (!name.equals("--recipient") && !name.equals("--out")) {
        throw new AdminArguments.UsageException(
            "unknown option \"" + SettingsLoader.printable(name) + "\" for backup");
      }
      if (equals >= 0) {
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new AdminArguments.UsageException(name + " needs a value");
      }
      if (value.isEmpty()) {
        throw new AdminArguments.UsageException(name + " needs a value");
      }
      Path path;
      try {
        path = Path.of(value).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        throw new AdminArguments.UsageException(name + " is not a file path");
      }
      if (name.equals("--recipient")) {
        if (recipient != null) {
          throw new AdminArguments.UsageException("--recipient is given more than once");
        }
        recipient = path;
      } else {
        if (out != null) {
          throw new AdminArguments.UsageException("--out is given more than once");
        }
        out = path;
      }
    }
    if (recipient == null || out == null) {
      throw new AdminArguments.UsageException("backup needs --recipient and --out");
    }
    return new Arguments(recipient, out, false);
  }

  static String usage() {
    return """
        Usage: java -jar broker.jar backup --recipient KEY.asc --out FILE

          --recipient KEY.asc   the operator's OpenPGP public key (gpg --armor --export KEY-ID)
          --out FILE            where the running broker writes the backup (must not exist)

        The running broker writes a consistent snapshot of its database (every table) and the
        data directory's master key and audit checkpoint, encrypted to KEY.asc (OpenPGP, AES-256,
        integrity protected). The server cannot read its own backups; the operator reads one with
        gpg --decrypt FILE and restores it with broker.jar restore. Keep the private key off the
        server.
        """;
  }
}
