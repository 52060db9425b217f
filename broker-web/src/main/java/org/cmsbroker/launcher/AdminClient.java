package org.cmsbroker.launcher;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code broker.jar admin ...}: sends one command to the running broker through {@code <data
 * dir>/run/admin.sock} and prints its answer. The data directory is resolved as {@code run} does. A
 * password is read from standard input (or the terminal, twice, without echo), sent, and wiped; it
 * is never printed.
 */
final class AdminClient {
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  /** The longest password line read from standard input, in bytes. */
  static final int MAX_PASSWORD_BYTES = 4096;

  /** Where a password comes from. */
  interface PasswordSource {
    /**
     * The password; the caller wipes it.
     *
     * @throws AdminArguments.UsageException if none was given, or the two entries differ
     */
    char[] read() throws IOException, AdminArguments.UsageException;
  }

  /** Where a CiviCRM API key and optional site key come from. */
  interface KeySource {
    /**
     * The API key and the site key (null for none); the caller wipes both.
     *
     * @throws AdminArguments.UsageException if no API key was given or a line is unusable
     */
    char[][] read() throws IOException, AdminArguments.UsageException;
  }

  private final Path socket;
  private final PasswordSource passwords;
  private final KeySource keys;
  private final PrintStream out;
  private final PrintStream err;

  AdminClient(Path socket, PasswordSource passwords, PrintStream out, PrintStream err) {
    this(socket, passwords, AdminClient::standardKeys, out, err);
  }

  AdminClient(
      Path socket, PasswordSource passwords, KeySource keys, PrintStream out, PrintStream err) {
    this.socket = socket;
    this.passwords = passwords;
    this.keys = keys;
    this.out = out;
    this.err = err;
  }

  /** The admin socket of a data directory, where the broker's AdminSocketServer binds it. */
  static Path socketOf(Path dataDir) {
    return dataDir.resolve("run").resolve("admin.sock");
  }

  /** From {@link Main}: the settings and standard input of this process. */
  static int run(List<String> args, PrintStream out, PrintStream err) throws ConfigException {
    AdminArguments arguments;
    try {
      arguments = AdminArguments.parse(args);
    } catch (AdminArguments.UsageException e) {
      return usageError(e, err);
    }
    if (arguments.help()) {
      out.print(AdminArguments.usage());
      return Main.OK;
    }
    Path dataDir = SettingsLoader.fromProcess().load().dataDir();
    return new AdminClient(socketOf(dataDir), AdminClient::standardPassword, out, err)
        .execute(arguments);
  }

  private static int usageError(AdminArguments.UsageException e, PrintStream err) {
    err.println("broker: " + e.getMessage());
    err.print(AdminArguments.usage());
    return Main.BAD_SETTING;
  }

  /** Sends the command and prints the answer; returns the exit code. */
  int execute(AdminArguments arguments) {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      err.println(
          "broker: no running broker found (no admin socket at " + socket + "); start it first");
      return Main.FAILED;
    }
    char[] password = null;
    char[][] civicrm = null;
    byte[] request = null;
    try {
      if (arguments.needsPassword()) {
        password = passwords.read();
      }
      if (arguments.needsCiviCrmKeys()) {
        civicrm = keys.read();
        request =
            AdminWire.request(
                arguments.command(),
                arguments.fields(),
                List.of(
                    new java.util.AbstractMap.SimpleImmutableEntry<>("api_key", civicrm[0]),
                    new java.util.AbstractMap.SimpleImmutableEntry<>("site_key", civicrm[1])));
      } else {
        request = AdminWire.request(arguments.command(), arguments.fields(), "password", password);
      }
      return print(exchange(request, ANSWER_TIMEOUT));
    } catch (AdminArguments.UsageException e) {
      err.println("broker: " + e.getMessage());
      return Main.BAD_SETTING;
    } catch (AdminWire.WireException e) {
      err.println("broker: " + e.getMessage());
      return Main.FAILED;
    } catch (IOException e) {
      return unreachable(e, ANSWER_TIMEOUT);
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
      if (civicrm != null) {
        for (char[] key : civicrm) {
          if (key != null) {
            Arrays.fill(key, '\0');
          }
        }
      }
      if (request != null) {
        Arrays.fill(request, (byte) 0);
      }
    }
  }

  private static String describe(IOException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.contains("Permission denied")
        ? "permission denied (only the owner of the data directory can use the admin commands)"
        : message;
  }

  /**
   * Sends a command without secrets and prints its answer, waiting up to {@code timeout} (a backup
   * takes longer than the other commands); returns the exit code.
   */
  int send(String command, List<java.util.Map.Entry<String, String>> fields, Duration timeout) {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      err.println(
          "broker: no running broker found (no admin socket at " + socket + "); start it first");
      return Main.FAILED;
    }
    try {
      return print(exchange(AdminWire.request(command, fields, "password", null), timeout));
    } catch (AdminWire.WireException e) {
      err.println("broker: " + e.getMessage());
      return Main.FAILED;
    } catch (IOException e) {
      return unreachable(e, timeout);
    }
  }

  /**
   * Prints an answer and returns the exit code: the lines on standard output when it succeeded or
   * is a report whose findings mean failure (a broken audit chain, a failed self-check), else the
   * error on standard error.
   */
  private int print(AdminWire.Response response) {
    if (response.ok()) {
      response.lines().forEach(out::println);
      return Main.OK;
    }
    if ("findings".equals(response.errorCode())) {
      response.lines().forEach(out::println);
      return Main.FAILED;
    }
    err.println(
        "broker: "
            + (response.lines().isEmpty()
                ? response.errorCode()
                : String.join(" ", response.lines())));
    return Main.FAILED;
  }

  /** Says why the broker could not be asked; returns the exit code. */
  private int unreachable(IOException e, Duration timeout) {
    if (e instanceof ConnectException) {
      err.println(
          "broker: no running broker found (no broker answers at " + socket + "); start it first");
    } else if (e instanceof AsynchronousCloseException) {
      err.println("broker: the broker did not answer within " + timeout.toSeconds() + " s");
    } else {
      err.println("broker: cannot talk to the broker at " + socket + ": " + describe(e));
    }
    return Main.FAILED;
  }

  /** Whether a broker answers on the admin socket (connecting only, sending nothing). */
  boolean brokerAnswers() {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private AdminWire.Response exchange(byte[] request, Duration timeout)
      throws IOException, AdminWire.WireException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      Thread watchdog = watchdog(channel, timeout);
      try {
        channel.connect(UnixDomainSocketAddress.of(socket));
        ByteBuffer buffer = ByteBuffer.wrap(request);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.shutdownOutput();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        while (channel.read(chunk) >= 0) {
          answer.write(chunk.array(), 0, chunk.position());
          chunk.clear();
          if (answer.size() > AdminWire.MAX_RESPONSE_BYTES) {
            break;
          }
        }
        return AdminWire.response(answer.toByteArray(), answer.size());
      } finally {
        watchdog.interrupt();
      }
    }
  }

  /** Closes the channel if the broker takes too long, which ends a blocked read. */
  private static Thread watchdog(SocketChannel channel, Duration timeout) {
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(timeout.toMillis());
                channel.close();
              } catch (InterruptedException | IOException e) {
                // answered in time, or already closed
              }
            },
            "admin-answer-timeout");
    watchdog.setDaemon(true);
    watchdog.start();
    return watchdog;
  }

  /** The terminal (twice, no echo) when there is one; otherwise the first line of stdin. */
  static char[] standardPassword() throws IOException, AdminArguments.UsageException {
    Console console = System.console();
    if (console == null) {
      return firstLine(System.in);
    }
    char[] first = console.readPassword("Password: ");
    char[] second = null;
    try {
      second = console.readPassword("Repeat the password: ");
      if (first == null || second == null || first.length == 0) {
        throw new AdminArguments.UsageException("no password given");
      }
      if (!Arrays.equals(first, second)) {
        throw new AdminArguments.UsageException("the two passwords do not match");
      }
      char[] password = first;
      first = null;
      return password;
    } finally {
      if (first != null) {
        Arrays.fill(first, '\0');
      }
      if (second != null) {
        Arrays.fill(second, '\0');
      }
    }
  }

  /**
   * The first line of {@code in} (UTF-8, without its line end), never as a {@link String}.
   *
   * @throws AdminArguments.UsageException if the line is empty, too long or not UTF-8
   */
  static char[] firstLine(InputStream in) throws IOException, AdminArguments.UsageException {
    char[] password = line(in, "password");
    if (password == null) {
      throw new AdminArguments.UsageException(
          "no password given (the first line of standard input is the password)");
    }
    return password;
  }

  /**
   * The first line of {@code in} (UTF-8, without its line end), empty when the line is empty or the
   * input has ended; never as a {@link String}.
   *
   * @param what what the line holds, for the refusals
   * @throws AdminArguments.UsageException if the line is too long or not UTF-8
   */
  static char[] optionalLine(InputStream in, String what)
      throws IOException, AdminArguments.UsageException {
    char[] value = line(in, what);
    return value == null ? new char[0] : value;
  }

  /** The terminal (no echo) when there is one; otherwise the first two lines of stdin. */
  static char[][] standardKeys() throws IOException, AdminArguments.UsageException {
    Console console = System.console();
    if (console == null) {
      return keyLines(System.in);
    }
    char[] apiKey = console.readPassword("CiviCRM API key: ");
    if (apiKey == null || apiKey.length == 0) {
      throw new AdminArguments.UsageException("no CiviCRM API key given");
    }
    char[] siteKey = console.readPassword("CiviCRM site key (Enter for none): ");
    if (siteKey != null && siteKey.length == 0) {
      siteKey = null;
    }
    return new char[][] {apiKey, siteKey};
  }

  /**
   * The CiviCRM API key (first line of {@code in}) and site key (second line; null when absent or
   * empty), never as {@link String}s.
   *
   * @throws AdminArguments.UsageException if the first line is empty, or a line too long or not
   *     UTF-8
   */
  static char[][] keyLines(InputStream in) throws IOException, AdminArguments.UsageException {
    char[] apiKey = line(in, "CiviCRM API key");
    if (apiKey == null) {
      throw new AdminArguments.UsageException(
          "no CiviCRM API key given (the first line of standard input is the API key, the"
              + " optional second line the site key)");
    }
    try {
      return new char[][] {apiKey, line(in, "CiviCRM site key")};
    } catch (IOException | AdminArguments.UsageException e) {
      Arrays.fill(apiKey, '\0');
      throw e;
    }
  }

  /**
   * The next line of {@code in} (UTF-8, without its line end), or null when it is empty or the
   * input has ended; never as a {@link String}.
   *
   * @param what what the line holds, for the refusals
   * @throws AdminArguments.UsageException if the line is too long or not UTF-8
   */
  private static char[] line(InputStream in, String what)
      throws IOException, AdminArguments.UsageException {
    byte[] bytes = new byte[MAX_PASSWORD_BYTES];
    int length = 0;
    CharBuffer chars = null;
    try {
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        if (length == bytes.length) {
          throw new AdminArguments.UsageException(
              "the " + what + " on standard input is longer than " + MAX_PASSWORD_BYTES + " bytes");
        }
        bytes[length++] = (byte) b;
      }
      if (length > 0 && bytes[length - 1] == '\r') {
        length--;
      }
      if (length == 0) {
        return null;
      }
      try {
        chars =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, 0, length));
      } catch (CharacterCodingException e) {
        throw new AdminArguments.UsageException("the " + what + " on standard input is not UTF-8");
      }
      char[] value = new char[chars.remaining()];
      chars.get(value);
      return value;
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (chars != null && chars.hasArray()) {
        Arrays.fill(chars.array(), '\0');
      }
    }
  }
}
