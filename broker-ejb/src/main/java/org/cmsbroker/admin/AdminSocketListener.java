package org.cmsbroker.admin;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The admin socket: a Unix domain socket whose directory is {@code 0700} and whose file is {@code
 * 0600}, so only the owner of the data directory can connect (that is the authentication). Serves
 * one connection at a time: read one request (at most {@link AdminProtocol#MAX_REQUEST_BYTES}
 * within {@link #READ_TIMEOUT}), answer, close. A malformed or oversized request gets an error
 * response, never a stack trace. {@link #serve} runs on one thread; {@link #close} may be called
 * from any.
 */
public final class AdminSocketListener implements AutoCloseable {
  /** How long a client may take to send its request. */
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  static final String INTERNAL_ERROR = "internal_error";

  /** How much of an oversized request is read and dropped so that the answer arrives. */
  private static final long DISCARD_LIMIT = 1024 * 1024;

  private static final Logger LOG = Logger.getLogger(AdminSocketListener.class.getName());

  /** Answers one request; {@code peerUser} is the connecting process's OS user, or null. */
  @FunctionalInterface
  public interface Handler {
    AdminResponse handle(AdminRequest request, String peerUser);
  }

  private final Path socket;
  private final ServerSocketChannel channel;
  private final Handler handler;
  private final Duration readTimeout;

  private AdminSocketListener(
      Path socket, ServerSocketChannel channel, Handler handler, Duration readTimeout) {
    this.socket = socket;
    this.channel = channel;
    this.handler = handler;
    this.readTimeout = readTimeout;
  }

  /**
   * Creates the socket's directory ({@code 0700}) if needed, removes a stale socket file left by a
   * broker that did not stop cleanly, binds, and restricts the socket file to {@code 0600}.
   *
   * @throws IOException if the socket cannot be made, or another broker answers on it
   */
  public static AdminSocketListener open(Path socket, Handler handler) throws IOException {
    return open(socket, handler, READ_TIMEOUT);
  }

  static AdminSocketListener open(
      Path socket, Function<AdminRequest, AdminResponse> handler, Duration readTimeout)
      throws IOException {
    Objects.requireNonNull(handler, "handler");
    return open(socket, (request, peer) -> handler.apply(request), readTimeout);
  }

  static AdminSocketListener open(Path socket, Handler handler, Duration readTimeout)
      throws IOException {
    Objects.requireNonNull(handler, "handler");
    Path dir = socket.toAbsolutePath().getParent();
    if (Files.isSymbolicLink(dir)) {
      throw new IOException(dir + " is a symbolic link");
    }
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    removeStale(socket);
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.bind(UnixDomainSocketAddress.of(socket));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return new AdminSocketListener(socket, channel, handler, readTimeout);
  }

  private static void removeStale(Path socket) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    if (!attributes.isOther()) {
      throw new IOException(socket + " exists and is not a socket");
    }
    boolean answered;
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      answered = true;
    } catch (IOException e) {
      answered = false;
    }
    if (answered) {
      throw new IOException("another broker answers on " + socket);
    }
    Files.deleteIfExists(socket);
  }

  public Path socket() {
    return socket;
  }

  /** Accepts and answers connections until {@link #close}. */
  public void serve() {
    while (channel.isOpen()) {
      SocketChannel client;
      try {
        client = channel.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        LOG.warning(() -> "Admin socket: accept failed: " + e.getMessage());
        pause();
        continue;
      }
      try (client) {
        answer(client);
      } catch (IOException e) {
        LOG.fine(() -> "Admin socket: connection failed: " + e.getMessage());
      }
    }
  }

  private void answer(SocketChannel client) throws IOException {
    AdminResponse response;
    byte[] request = null;
    boolean unread = false;
    try {
      request = read(client);
      response = handle(AdminProtocol.parse(request, request.length), peerUser(client));
    } catch (AdminProtocolException e) {
      response = AdminResponse.error(e.code(), e.getMessage());
      unread = AdminProtocolException.TOO_LARGE.equals(e.code());
    } finally {
      if (request != null) {
        // It may hold a password.
        Arrays.fill(request, (byte) 0);
      }
    }
    client.configureBlocking(true);
    ByteBuffer out = ByteBuffer.wrap(AdminProtocol.encode(response));
    while (out.hasRemaining()) {
      client.write(out);
    }
    client.shutdownOutput();
    if (unread) {
      // Closing with unread input resets the connection, and the client would lose the answer.
      discardInput(client);
    }
  }

  private void discardInput(SocketChannel client) throws IOException {
    long deadline = System.nanoTime() + readTimeout.toNanos();
    long discarded = 0;
    ByteBuffer sink = ByteBuffer.allocate(8192);
    client.configureBlocking(false);
    try (Selector selector = Selector.open()) {
      client.register(selector, SelectionKey.OP_READ);
      while (discarded < DISCARD_LIMIT) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
        sink.clear();
        int n = client.read(sink);
        if (n < 0) {
          return;
        }
        discarded += n;
      }
    }
  }

  /**
   * The OS user of the process at the other end, as the kernel tells it ({@code SO_PEERCRED}), or
   * null where that is not available.
   */
  static String peerUser(SocketChannel client) {
    try {
      return client.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
    } catch (IOException | UnsupportedOperationException | LinkageError e) {
      return null;
    }
  }

  private AdminResponse handle(AdminRequest request, String peerUser) {
    try {
      return handler.handle(request, peerUser);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "Admin command " + request.command() + " failed", e);
      return AdminResponse.error(
          INTERNAL_ERROR, "the command failed; the cause is in the broker's log");
    }
  }

  private byte[] read(SocketChannel client) throws IOException, AdminProtocolException {
    byte[] buffer = new byte[AdminProtocol.MAX_REQUEST_BYTES + 1];
    int length = 0;
    long deadline = System.nanoTime() + readTimeout.toNanos();
    client.configureBlocking(false);
    try (Selector selector = Selector.open()) {
      client.register(selector, SelectionKey.OP_READ);
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AdminProtocolException(
              AdminProtocolException.BAD_REQUEST, "the request did not arrive in time");
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
        int scanned = length;
        int n = client.read(ByteBuffer.wrap(buffer, length, buffer.length - length));
        if (n < 0) {
          throw new AdminProtocolException(
              AdminProtocolException.BAD_REQUEST,
              "malformed request: the connection ended before the empty line");
        }
        length += n;
        int end = AdminProtocol.endOfRequest(buffer, scanned, length);
        if (end >= 0) {
          return Arrays.copyOf(buffer, end);
        }
        if (length > AdminProtocol.MAX_REQUEST_BYTES) {
          throw AdminProtocol.tooLarge();
        }
      }
    } finally {
      Arrays.fill(buffer, (byte) 0);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops accepting and deletes the socket file. */
  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(socket);
    }
  }
}
