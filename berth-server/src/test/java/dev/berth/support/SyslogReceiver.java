package dev.berth.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A syslog receiver over TCP on 127.0.0.1, as rsyslog or syslog-ng would listen for Harbor's
 * forwarded audit log: newline-separated messages, every connection read until it closes.
 */
public final class SyslogReceiver implements AutoCloseable {
    private final ServerSocket socket;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    public SyslogReceiver() {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread.ofVirtual().name("syslog-accept").start(this::acceptLoop);
    }

    /** {@code 127.0.0.1:<port>}, as {@code audit_log_forward_endpoint} takes it. */
    public String endpoint() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits for a line that matches and returns it. */
    public String await(Predicate<String> matches) {
        List<String> seen = Eventually.await(
                Duration.ofSeconds(60), this::lines, l -> l.stream().anyMatch(matches));
        return seen.stream().filter(matches).findFirst().orElseThrow();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connections.add(connection);
                Thread.ofVirtual().name("syslog-read").start(() -> read(connection));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void read(Socket connection) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // closed by the test or the sender
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket c : connections) {
            c.close();
        }
    }
}
