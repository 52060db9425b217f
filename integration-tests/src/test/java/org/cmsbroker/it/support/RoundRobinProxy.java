package org.cmsbroker.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A load balancer for tests: a TCP proxy on loopback that hands each new connection to the next
 * backend port in turn (TLS passes through, as HAProxy in {@code mode tcp} does), skipping a
 * backend that refuses the connection. Counts the connections each backend took.
 */
public final class RoundRobinProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Integer> backends;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicIntegerArray taken;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private RoundRobinProxy(List<Integer> backends) throws IOException {
    this.backends = List.copyOf(backends);
    this.taken = new AtomicIntegerArray(backends.size());
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "round-robin-proxy");
    accept.setDaemon(true);
    accept.start();
  }

  /** Starts a proxy in front of the backends listening on loopback at {@code ports}. */
  public static RoundRobinProxy start(int... ports) throws IOException {
    return new RoundRobinProxy(java.util.Arrays.stream(ports).boxed().toList());
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** How many connections the backend at {@code index} (in the order given) took. */
  public int connectionsTo(int index) {
    return taken.get(index);
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      open.add(client);
      Socket backend = connect();
      if (backend == null) {
        close(client);
        continue;
      }
      pipe(client, backend);
      pipe(backend, client);
    }
  }

  private Socket connect() {
    for (int tries = 0; tries < backends.size(); tries++) {
      int index = Math.floorMod(next.getAndIncrement(), backends.size());
      Socket s = new Socket();
      try {
        s.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), backends.get(index)), 2000);
        taken.incrementAndGet(index);
        open.add(s);
        return s;
      } catch (IOException e) {
        close(s);
      }
    }
    return null;
  }

  private void pipe(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // the other side closed
              } finally {
                close(from);
                close(to);
              }
            },
            "round-robin-pipe");
    t.setDaemon(true);
    t.start();
  }

  private void close(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // closed already
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : open) {
      close(s);
    }
  }
}
