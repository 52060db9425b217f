package org.cmsbroker.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminClientTest {
  @TempDir Path data;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final AtomicReference<String> received = new AtomicReference<>();
  private char[] lastPassword;

  private AdminClient client(String password) {
    return new AdminClient(
        AdminClient.socketOf(data),
        () -> lastPassword = password.toCharArray(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** A one-shot server on the admin socket that records the request and sends {@code answer}. */
  private Thread broker(String answer) throws Exception {
    Path socket = AdminClient.socketOf(data);
    Files.createDirectories(socket.getParent());
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread thread =
        new Thread(
            () -> {
              try (server;
                  SocketChannel c = server.accept()) {
                ByteArrayOutputStream request = new ByteArrayOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(1024);
                while (c.read(buffer) >= 0) {
                  request.write(buffer.array(), 0, buffer.position());
                  buffer.clear();
                }
                received.set(request.toString(StandardCharsets.US_ASCII));
                c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
              } catch (Exception e) {
                received.set("server failed: " + e);
              }
            });
    thread.start();
    return thread;
  }

  private static AdminArguments args(String... args) throws Exception {
    return AdminArguments.parse(List.of(args));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withoutSocketSaysNoBrokerIsRunning() throws Exception {
    int code = client("unused").execute(args("user", "list"));

    assertEquals(1, code);
    assertEquals(
        "broker: no running broker found (no admin socket at "
            + AdminClient.socketOf(data)
            + "); start it first\n",
        err());
    assertEquals("", out());
  }

  @Test
  void staleSocketSaysNoBrokerAnswers() throws Exception {
    Path socket = AdminClient.socketOf(data);
    Files.createDirectories(socket.getParent());
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(socket));
    }

    int code = client("unused").execute(args("user", "list"));

    assertEquals(1, code);
    assertTrue(err().startsWith("broker: no running broker found (no broker answers at "), err());
  }

  @Test
  void okAnswerIsPrintedAndExitsZero() throws Exception {
    Thread broker = broker("ok\nUSERNAME  ID\nalice     1\n");

    int code = client("unused").execute(args("user", "list"));
    broker.join(5000);

    assertEquals(0, code, err());
    assertEquals("USERNAME  ID\nalice     1\n", out());
    assertEquals("command=user.list\n\n", received.get());
  }

  @Test
  void clientAddSendsItsOptionsReadsNoPasswordAndPrintsTheSecretLines() throws Exception {
    Thread broker =
        broker(
            "ok\nregistered client typo3 (confidential)\nclient secret: abc\nThe secret is shown"
                + " only this once.\n");

    int code =
        client("unused")
            .execute(
                args(
                    "client",
                    "add",
                    "--name",
                    "Main site",
                    "--client-id",
                    "typo3",
                    "--redirect-uri",
                    "https://a.example/cb?x=1&y=2"));
    broker.join(5000);

    assertEquals(0, code, err());
    assertEquals(
        "command=client.add\nname=Main+site\nclient_id=typo3\n"
            + "redirect_uri=https%3A%2F%2Fa.example%2Fcb%3Fx%3D1%26y%3D2\n\n",
        received.get());
    assertEquals(null, lastPassword, "no password asked for");
    assertEquals(
        "registered client typo3 (confidential)\nclient secret: abc\n"
            + "The secret is shown only this once.\n",
        out());
  }

  @Test
  void refusalIsPrintedOnStandardErrorAndExitsOne() throws Exception {
    Thread broker = broker("error username_taken\nThat username is already taken.\n");

    int code =
        client("Tr0ub4dor&3x")
            .execute(args("user", "add", "--username", "alice", "--email", "a@example.org"));
    broker.join(5000);

    assertEquals(1, code);
    assertEquals("broker: That username is already taken.\n", err());
    assertEquals("", out());
  }

  @Test
  void passwordIsSentEscapedWipedAndNeverPrinted() throws Exception {
    Thread broker = broker("ok\npassword set for bob; 0 sessions ended\n");

    int code = client("s3cret words").execute(args("user", "set-password", "--username", "bob"));
    broker.join(5000);

    assertEquals(0, code, err());
    assertEquals(
        "command=user.set_password\nusername=bob\n"
            + "password=%73%33%63%72%65%74%20%77%6F%72%64%73\n\n",
        received.get());
    assertEquals(new String(new char[12]), new String(lastPassword), "wiped");
    assertFalse(out().contains("s3cret") || err().contains("s3cret"));
  }

  @Test
  void missingPasswordIsAUsageError() throws Exception {
    Path socket = AdminClient.socketOf(data);
    Files.createDirectories(socket.getParent());
    Files.createFile(socket);
    AdminClient client =
        new AdminClient(
            socket,
            () -> AdminClient.firstLine(new ByteArrayInputStream(new byte[0])),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    int code = client.execute(args("user", "set-password", "--username", "bob"));

    assertEquals(2, code);
    assertTrue(err().startsWith("broker: no password given"), err());
  }

  @Test
  void firstLineIsThePasswordWithoutItsLineEnd() throws Exception {
    assertEquals(
        "pässwort 1",
        new String(
            AdminClient.firstLine(
                new ByteArrayInputStream(
                    "pässwort 1\r\nsecond\n".getBytes(StandardCharsets.UTF_8)))));
    assertEquals(
        "no newline",
        new String(
            AdminClient.firstLine(
                new ByteArrayInputStream("no newline".getBytes(StandardCharsets.UTF_8)))));
  }

  @Test
  void firstLineRefusesAnEmptyOrOverlongLine() {
    assertThrows(
        AdminArguments.UsageException.class,
        () -> AdminClient.firstLine(new ByteArrayInputStream("\nx\n".getBytes())));
    byte[] huge = new byte[AdminClient.MAX_PASSWORD_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) 'a');
    assertThrows(
        AdminArguments.UsageException.class,
        () -> AdminClient.firstLine(new ByteArrayInputStream(huge)));
  }

  @Test
  void mainRoutesAdminAndReportsUsageErrorsWithExitTwo() {
    int code =
        Main.run(
            new String[] {"admin", "user", "disable"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(2, code);
    assertTrue(err().startsWith("broker: user disable needs --username\n"), err());
  }

  @Test
  void mainPrintsAdminHelp() {
    int code =
        Main.run(
            new String[] {"admin", "help"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(0, code);
    assertTrue(out().startsWith("Usage: java -jar broker.jar admin user"), out());
  }

  @Test
  void civicrmKeysAreSentEscapedWipedAndNeverPrinted() throws Exception {
    Thread broker =
        broker("ok\nCiviCRM credentials stored for client civi (API key and site key)\n");
    char[][] keys = {"apiKey1".toCharArray(), "site2".toCharArray()};
    AdminClient client =
        new AdminClient(
            AdminClient.socketOf(data),
            () -> {
              throw new AssertionError("no password for this command");
            },
            () -> keys,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    int code = client.execute(args("client", "set-civicrm-credentials", "--client-id", "civi"));
    broker.join(5000);

    assertEquals(0, code, err());
    assertEquals(
        "command=client.set_civicrm_credentials\nclient_id=civi\n"
            + "api_key=%61%70%69%4B%65%79%31\nsite_key=%73%69%74%65%32\n\n",
        received.get());
    assertEquals(new String(new char[7]), new String(keys[0]), "wiped");
    assertEquals(new String(new char[5]), new String(keys[1]), "wiped");
    assertFalse(out().contains("apiKey1") || err().contains("apiKey1"));
  }

  @Test
  void keyLinesAreTheApiKeyAndTheOptionalSiteKey() throws Exception {
    char[][] both = AdminClient.keyLines(new ByteArrayInputStream("api-1\r\nsite-2\n".getBytes()));
    assertEquals("api-1", new String(both[0]));
    assertEquals("site-2", new String(both[1]));
    char[][] apiOnly = AdminClient.keyLines(new ByteArrayInputStream("api-1\n".getBytes()));
    assertEquals("api-1", new String(apiOnly[0]));
    assertEquals(null, apiOnly[1]);
    assertEquals(null, AdminClient.keyLines(new ByteArrayInputStream("api-1\n\n".getBytes()))[1]);
  }

  @Test
  void keyLinesRefuseAMissingApiKey() {
    assertEquals(
        "no CiviCRM API key given (the first line of standard input is the API key, the optional"
            + " second line the site key)",
        assertThrows(
                AdminArguments.UsageException.class,
                () -> AdminClient.keyLines(new ByteArrayInputStream("\nsite\n".getBytes())))
            .getMessage());
  }
}
