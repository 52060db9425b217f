package org.cmsbroker.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminSocketListenerTest {
  @TempDir Path temp;

  private AdminSocketListener listener;
  private Thread serving;

  private Path socket() {
    return temp.resolve("run").resolve("admin.sock");
  }

  private void start(java.util.function.Function<AdminRequest, AdminResponse> handler)
      throws IOException {
    listener = AdminSocketListener.open(socket(), handler, Duration.ofMillis(500));
    serving = new Thread(listener::serve);
    serving.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (listener != null) {
      listener.close();
      serving.join(5000);
    }
  }

  private String exchange(byte[] request) throws IOException {
    try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket()))) {
      ByteBuffer out = ByteBuffer.wrap(request);
      try {
        while (out.hasRemaining()) {
          client.write(out);
        }
        client.shutdownOutput();
      } catch (IOException e) {
        // The server may answer and close before reading an oversized request to its end.
      }
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      while (client.read(buffer) >= 0) {
        in.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return in.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void theHandlerIsToldTheOsUserOfTheConnectingProcess() throws Exception {
    listener =
        AdminSocketListener.open(
            socket(), (r, peer) -> AdminResponse.ok("peer " + peer), Duration.ofMillis(500));
    serving = new Thread(listener::serve);
    serving.start();

    String response = exchange(AdminProtocol.encode("audit.verify", List.of()));

    assertEquals("ok\npeer " + System.getProperty("user.name") + "\n", response);
  }

  @Test
  void answersARequestThroughTheHandler() throws Exception {
    start(r -> AdminResponse.ok("hello " + r.all("username").get(0)));

    String response =
        exchange(AdminProtocol.encode("user.list", List.of(Map.entry("username", "José"))));

    assertEquals("ok\nhello José\n", response);
  }

  @Test
  void directoryIsOwnerOnlyAndSocketIs0600() throws Exception {
    start(r -> AdminResponse.ok("x"));

    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(socket().getParent())));
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket())));
  }

  @Test
  void closeDeletesTheSocketFile() throws Exception {
    start(r -> AdminResponse.ok("x"));
    listener.close();
    serving.join(5000);

    assertFalse(Files.exists(socket()));
    assertFalse(serving.isAlive());
    listener = null;
  }

  @Test
  void staleSocketFileIsReplaced() throws Exception {
    Files.createDirectories(socket().getParent());
    ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    dead.bind(UnixDomainSocketAddress.of(socket()));
    dead.close(); // leaves the file behind, like a killed broker

    start(r -> AdminResponse.ok("fresh"));

    assertEquals("ok\nfresh\n", exchange(AdminProtocol.encode("user.list", List.of())));
  }

  @Test
  void socketOfAnotherLiveBrokerIsNotTaken() throws Exception {
    start(r -> AdminResponse.ok("first"));

    IOException e =
        assertThrows(
            IOException.class,
            () -> AdminSocketListener.open(socket(), (r, peer) -> AdminResponse.ok("second")));
    assertTrue(e.getMessage().contains("another broker answers"), e.getMessage());
  }

  @Test
  void regularFileInThePlaceOfTheSocketIsNotDeleted() throws Exception {
    Files.createDirectories(socket().getParent());
    Files.writeString(socket(), "keep me");

    assertThrows(IOException.class, () -> start(r -> AdminResponse.ok("x")));
    assertEquals("keep me", Files.readString(socket()));
  }

  @Test
  void oversizedRequestGetsAnError() throws Exception {
    start(r -> AdminResponse.ok("should not run"));
    byte[] big =
        ("command=user.add\nname=" + "x".repeat(AdminProtocol.MAX_REQUEST_BYTES) + "\n\n")
            .getBytes(StandardCharsets.US_ASCII);

    String response = exchange(big);

    assertTrue(response.startsWith("error too_large\n"), response);
  }

  @Test
  void malformedRequestGetsAnErrorWithoutStackTrace() throws Exception {
    start(r -> AdminResponse.ok("should not run"));

    String response = exchange("hello\n\n".getBytes(StandardCharsets.US_ASCII));

    assertTrue(response.startsWith("error bad_request\nmalformed request: "), response);
    assertFalse(response.contains("Exception"), response);
  }

  @Test
  void incompleteRequestTimesOut() throws Exception {
    start(r -> AdminResponse.ok("should not run"));
    try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket()))) {
      client.write(ByteBuffer.wrap("command=user.list\n".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      while (client.read(buffer) >= 0) {
        // until the server closes
      }
      String response = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
      assertEquals("error bad_request\nthe request did not arrive in time\n", response);
    }
  }

  @Test
  void handlerFailureGetsAGenericError() throws Exception {
    start(
        r -> {
          throw new IllegalStateException("database on fire at jdbc:secret");
        });

    String response = exchange(AdminProtocol.encode("user.list", List.of()));

    assertEquals(
        "error internal_error\nthe command failed; the cause is in the broker's log\n", response);
  }

  @Test
  void keepsServingAfterABadConnection() throws Exception {
    start(r -> AdminResponse.ok("still here"));
    exchange("garbage\n\n".getBytes(StandardCharsets.US_ASCII));

    assertEquals("ok\nstill here\n", exchange(AdminProtocol.encode("user.list", List.of())));
  }
}
