package org.cmsbroker.launcher;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * {@code broker.jar restore --in FILE --key PRIVATE-KEY.asc} (or {@code --key -} for an armored key
 * on standard input): restores an encrypted backup into the empty database and the data directory
 * the settings name, with no broker running. The passphrase of the private key comes from the
 * terminal (no echo) or standard input (the first line, or the line after an armored key read from
 * it), never from an argument.
 *
 * <p>The work is done by {@code org.cmsbroker.backup.RestoreTool}, loaded from the libraries inside
 * {@code broker.war} (Flyway, the migrations, the JDBC drivers, Bouncy Castle) in a class loader of
 * its own, so the launcher carries no second copy of them.
 */
final class RestoreCommand {
  static final String TOOL = "org.cmsbroker.backup.RestoreTool";

  private RestoreCommand() {}

  /** {@code --key -}: the private key comes from standard input. */
  static final String STDIN = "-";

  /** The line that ends an ASCII-armored OpenPGP private key. */
  static final String ARMOR_END = "-----END PGP PRIVATE KEY BLOCK-----";

  /** The largest private key read (the restore tool's own limit). */
  static final int MAX_KEY_BYTES = 1024 * 1024;

  /** The parsed arguments; {@code key} is null when it comes from standard input. */
  record Arguments(Path in, Path key, boolean help) {
    boolean keyFromStdin() {
      return key == null;
    }
  }

  /** Where the passphrase comes from. */
  interface PassphraseSource {
    char[] read() throws IOException, AdminArguments.UsageException;
  }

  /** Where the private key's bytes come from. */
  interface KeySource {
    byte[] read() throws IOException, AdminArguments.UsageException;
  }

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
    SettingsLoader loader = SettingsLoader.fromProcess();
    LauncherSettings settings = loader.load();
    return execute(
        arguments,
        settings,
        loader.masterKey().orElse(null),
        Main.installDirectory().resolve("broker.war"),
        arguments.keyFromStdin() ? () -> armoredKey(System.in) : () -> keyFile(arguments.key()),
        RestoreCommand::standardPassphrase,
        out,
        err);
  }

  static int execute(
      Arguments arguments,
      LauncherSettings settings,
      String masterKey,
      Path war,
      KeySource keys,
      PassphraseSource passphrases,
      PrintStream out,
      PrintStream err)
      throws ConfigException {
    if (!Files.isRegularFile(arguments.in())) {
      err.println("broker: the backup " + arguments.in() + " is not a file");
      return Main.BAD_SETTING;
    }
    if (!arguments.keyFromStdin() && !Files.isRegularFile(arguments.key())) {
      err.println("broker: the private key " + arguments.key() + " is not a file");
      return Main.BAD_SETTING;
    }
    if (new AdminClient(AdminClient.socketOf(settings.dataDir()), () -> null, out, err)
        .brokerAnswers()) {
      err.println(
          "broker: a broker is running on "
              + settings.dataDir()
              + "; stop it before restoring (a restore needs an empty database)");
      return Main.FAILED;
    }
    if (!Files.isRegularFile(war)) {
      throw new IllegalStateException("broker.war is missing beside broker.jar in " + war);
    }
    DataDirectory.prepare(settings.dataDir());
    byte[] secretKey = null;
    char[] passphrase = null;
    Path libs = null;
    try {
      // The key first: with --key -, the passphrase is the line after it on standard input.
      secretKey = keys.read();
      passphrase = passphrases.read();
      libs = Files.createTempDirectory("broker-restore");
      List<URL> jars = extractLibraries(war, libs);
      Map<String, String> options = new HashMap<>();
      options.put("in", arguments.in().toString());
      options.put("data_dir", settings.dataDir().toString());
      options.put("db_url", settings.dbUrl());
      options.put("db_user", settings.dbUser());
      options.put("db_password", settings.dbPassword());
      if (masterKey != null) {
        options.put("master_key", masterKey);
      }
      // Flyway logs each migration at INFO through java.util.logging: keep the output to the point.
      Logger flyway = Logger.getLogger("org.flywaydb");
      flyway.setLevel(Level.WARNING);
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      try (URLClassLoader loader =
          new URLClassLoader(jars.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
        thread.setContextClassLoader(loader);
        Method run =
            loader
                .loadClass(TOOL)
                .getMethod(
                    "run",
                    Map.class,
                    byte[].class,
                    char[].class,
                    PrintStream.class,
                    PrintStream.class);
        return (Integer) run.invoke(null, options, secretKey, passphrase, out, err);
      } finally {
        thread.setContextClassLoader(previous);
      }
    } catch (AdminArguments.UsageException e) {
      err.println("broker: " + e.getMessage());
      return Main.BAD_SETTING;
    } catch (IOException e) {
      err.println("broker: restore failed: " + SettingsLoader.describe(e));
      return Main.FAILED;
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      err.println(
          "broker: restore failed: "
              + cause.getClass().getSimpleName()
              + ": "
              + SettingsLoader.printable(String.valueOf(cause.getMessage())));
      return Main.FAILED;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("broker.war has no usable " + TOOL, e);
    } finally {
      if (passphrase != null) {
        Arrays.fill(passphrase, '\0');
      }
      if (secretKey != null) {
        Arrays.fill(secretKey, (byte) 0);
      }
      if (libs != null) {
        deleteQuietly(libs);
      }
    }
  }

  /** Copies {@code WEB-INF/lib/*.jar} of the WAR into {@code dir}; their URLs. */
  static List<URL> extractLibraries(Path war, Path dir) throws IOException {
    List<URL> jars = new ArrayList<>();
    try (ZipFile zip = new ZipFile(war.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        String name = entry.getName();
        if (entry.isDirectory()
            || !name.startsWith("WEB-INF/lib/")
            || !name.endsWith(".jar")
            || name.indexOf('/', "WEB-INF/lib/".length()) >= 0) {
          continue;
        }
        Path jar = dir.resolve(name.substring("WEB-INF/lib/".length()));
        try (InputStream in = zip.getInputStream(entry)) {
          Files.copy(in, jar);
        }
        jars.add(jar.toUri().toURL());
      }
    }
    if (jars.isEmpty()) {
      throw new IOException(war + " holds no libraries");
    }
    return jars;
  }

  private static void deleteQuietly(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // A temporary copy of public libraries: harmless if it stays.
    }
  }

  /** The private key file's bytes. */
  static byte[] keyFile(Path key) throws IOException, AdminArguments.UsageException {
    if (Files.size(key) > MAX_KEY_BYTES) {
      throw new AdminArguments.UsageException(
          "the private key " + key + " is larger than an OpenPGP key file");
    }
    return Files.readAllBytes(key);
  }

  /**
   * An ASCII-armored private key read from {@code in} up to and including its {@link #ARMOR_END}
   * line, byte by byte, so that what follows (the passphrase's line) stays unread.
   */
  static byte[] armoredKey(InputStream in) throws IOException, AdminArguments.UsageException {
    ByteArrayOutputStream key = new ByteArrayOutputStream();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] end = ARMOR_END.getBytes(StandardCharsets.US_ASCII);
    int b;
    while ((b = in.read()) >= 0) {
      if (key.size() >= MAX_KEY_BYTES) {
        throw new AdminArguments.UsageException(
            "standard input holds more than an OpenPGP private key");
      }
      key.write(b);
      if (b != '\n') {
        line.write(b);
        continue;
      }
      byte[] text = line.toByteArray();
      int length = text.length > 0 && text[text.length - 1] == '\r' ? text.length - 1 : text.length;
      line.reset();
      if (Arrays.equals(text, 0, length, end, 0, end.length)) {
        return key.toByteArray();
      }
    }
    if (Arrays.equals(line.toByteArray(), end)) {
      return key.toByteArray();
    }
    throw new AdminArguments.UsageException(
        "--key - reads an ASCII-armored OpenPGP private key from standard input"
            + " (gpg --armor --export-secret-keys KEY-ID), and none ended there");
  }

  /** The terminal (once, no echo) when there is one; otherwise the first line of stdin. */
  static char[] standardPassphrase() throws IOException, AdminArguments.UsageException {
    Console console = System.console();
    if (console == null) {
      return AdminClient.optionalLine(System.in, "passphrase");
    }
    char[] passphrase = console.readPassword("Passphrase of the private key (Enter for none): ");
    return passphrase == null ? new char[0] : passphrase;
  }

  static Arguments parse(List<String> args) throws AdminArguments.UsageException {
    Path in = null;
    Path key = null;
    boolean keyGiven = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--help") || arg.equals("-h") || arg.equals("help")) {
        return new Arguments(null, null, true);
      }
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg : arg.substring(0, equals);
      if (name.equals("--passphrase") || name.equals("--password")) {
        throw new AdminArguments.UsageException(
            "the passphrase is never an argument; it is read from the terminal or standard input");
      }
      if (!name.equals("--in") && !name.equals("--key")) {
        throw new AdminArguments.UsageException(
            "unknown option \"" + SettingsLoader.printable(name) + "\" for restore");
      }
      String value;
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
      boolean stdin = name.equals("--key") && value.equals(STDIN);
      Path path = null;
      if (!stdin) {
        try {
          path = Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
          throw new AdminArguments.UsageException(name + " is not a file path");
        }
      }
      if (name.equals("--in") ? in != null : keyGiven) {
        throw new AdminArguments.UsageException(name + " is given more than once");
      }
      if (name.equals("--in")) {
        in = path;
      } else {
        key = path;
        keyGiven = true;
      }
    }
    if (in == null || !keyGiven) {
      throw new AdminArguments.UsageException("restore needs --in and --key");
    }
    return new Arguments(in, key, false);
  }

  static String usage() {
    return """
        Usage: java -jar broker.jar restore --in FILE --key PRIVATE-KEY.asc
               java -jar broker.jar restore --in FILE --key -

          --in FILE               a backup written by broker.jar backup
          --key PRIVATE-KEY.asc   the operator's OpenPGP private key
                                  (gpg --armor --export-secret-keys KEY-ID)
          --key -                 the same key, ASCII-armored, from standard input, so it never
                                  lies in a file on this server

        The passphrase of the private key is asked on the terminal, or read from the first line
        of standard input (an empty line for a key without one); with --key -, from the line
        after the key's END line. The broker must not be running.
        The backup goes into the database and data directory the settings name (BROKER_DATA_DIR,
        BROKER_DB_URL, ...), which must be empty: H2 or PostgreSQL, whichever the backup came
        from. Nothing is written unless the whole file decrypts and passes its integrity check.
        """;
  }
}
