package dev.berth.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * What a Kubernetes Service does for HelmWorkloadsIT's replicas on the host's network: a TCP
 * port on 127.0.0.1 whose connections go to the replicas' ports in turn.
 */
final class RoundRobinProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<Integer> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicIntegerArray served;

    private RoundRobinProxy(ServerSocket server, List<Integer> backends) {
        this.server = server;
        this.backends = List.copyOf(backends);
        this.served = new AtomicIntegerArray(backends.size());
    }

    static RoundRobinProxy start(int port, List<Integer> backends) throws IOException {
        RoundRobinProxy proxy =
                new RoundRobinProxy(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()), backends);
        Thread.ofVirtual().name("service-" + port).start(proxy::accept);
        return proxy;
    }

    /** How many connections each backend was given, in the order of the backends. */
    List<Integer> connections() {
        return java.util.stream.IntStream.range(0, served.length())
                .mapToObj(served::get)
                .toList();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            int i = Math.floorMod(next.getAndIncrement(), backends.size());
            served.incrementAndGet(i);
            try {
                Socket backend = new Socket(InetAddress.getLoopbackAddress(), backends.get(i));
                Thread.ofVirtual().start(() -> pump(client, backend));
                Thread.ofVirtual().start(() -> pump(backend, client));
            } catch (IOException e) {
                close(client); // the backend refused: the client sees its connection end
            }
        }
    }

    /** Copies one direction; when it ends, both sockets close (HTTP clients do not half-close). */
    private static void pump(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
        } catch (IOException e) {
            // the other side closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
