package dev.berth.audit;

import dev.berth.outbound.OutboundException;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.Trust;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Forwards audit events to a syslog receiver over TCP, as Harbor's {@code
 * audit_log_forward_endpoint} does: one line per event, in the format Harbor's audit logger writes
 * (RFC 3164 header with tag {@code audit}, then {@code <time> [INFO]
 * [operator="…" resourceType="…" time="…"]: action:<operation>, resource:<resource>}), so that
 * the rules a site wrote for Harbor's lines keep matching.
 *
 * <p>Lines are queued and sent by one thread, so a slow receiver never holds up a request. The
 * receiver's host is checked like any outbound target an administrator configures (loopback and
 * link-local are refused unless {@code berth.outbound.allowed-networks} opens them). When the
 * receiver cannot be reached the line goes to Berth's own log instead (as Harbor falls back to
 * standard output) and the connection is tried again for the next line.
 */
@Component
public class AuditForwarder {
    private static final Logger log = LoggerFactory.getLogger(AuditForwarder.class);
    private static final Logger fallback = LoggerFactory.getLogger("dev.berth.audit.forward");
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd HH:mm:ss.SSSSSS '+0000 UTC'")
            .withZone(ZoneOffset.UTC);

    private record Line(String endpoint, String text) {}

    private final OutboundHttp outbound;
    private final Clock clock;
    private final BlockingQueue<Line> queue = new LinkedBlockingQueue<>(100_000);
    private final Thread sender;
    private final String hostname;
    private final long pid = ProcessHandle.current().pid();
    private volatile boolean running = true;

    private String connectedTo = "";
    private Socket socket;
    private OutputStream out;

    AuditForwarder(OutboundHttp outbound, Clock clock) {
        this.outbound = outbound;
        this.clock = clock;
        String host = System.getenv("HOSTNAME");
        this.hostname = host == null || host.isBlank() ? "berth" : host.trim();
        this.sender = Thread.ofPlatform().daemon().name("audit-forwarder").start(this::sendLoop);
    }

    /**
     * Checks that a syslog receiver can be reached at {@code endpoint} ({@code host:port}) by opening
     * and closing a connection; the reason when it cannot.
     */
    public Optional<String> probe(String endpoint) {
        try (Socket s = connect(endpoint)) {
            return Optional.empty();
        } catch (IOException | OutboundException | IllegalArgumentException e) {
            return Optional.of(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Checks the form of an endpoint, {@code host:port}; an {@link IllegalArgumentException} saying what is wrong. */
    public static void checkEndpoint(String endpoint) {
        HostPort.parse(endpoint);
    }

    /** Queues one event for {@code endpoint}. */
    void forward(String endpoint, String username, String operation, String resourceType, String resource, Instant at) {
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        String message = now + " [INFO] [operator=\"" + username + "\" resourceType=\"" + resourceType + "\" time=\""
                + GO_TIME.format(at) + "\"]: action:" + operation + ", resource:" + resource;
        // <6>: facility kern, severity info, as Go's syslog.Dial(…, LOG_INFO, "audit") writes.
        String line = "<6>" + now + " " + hostname + " audit[" + pid + "]: " + oneLine(message) + "\n";
        if (!queue.offer(new Line(endpoint, line))) {
            fallback.info("{}", line.strip());
        }
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    private void sendLoop() {
        while (running || !queue.isEmpty()) {
            Line line;
            try {
                line = queue.poll(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (line != null) {
                send(line);
            }
        }
        disconnect();
    }

    private void send(Line line) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (socket == null || !connectedTo.equals(line.endpoint())) {
                    disconnect();
                    socket = connect(line.endpoint());
                    out = socket.getOutputStream();
                    connectedTo = line.endpoint();
                }
                out.write(line.text().getBytes(StandardCharsets.UTF_8));
                out.flush();
                return;
            } catch (IOException | OutboundException | IllegalArgumentException e) {
                // A receiver that restarted closed our connection: reconnect once, then fall back.
                disconnect();
                if (attempt == 1) {
                    log.warn(
                            "event=audit_forward_failed endpoint={} reason=\"{}\"",
                            line.endpoint(),
                            e.getMessage() == null ? e.toString() : e.getMessage());
                }
            }
        }
        fallback.info("{}", line.text().strip());
    }

    private Socket connect(String endpoint) throws IOException {
        HostPort target = HostPort.parse(endpoint);
        List<InetAddress> addresses = outbound.addressesFor(target.host(), Trust.ADMINISTRATOR);
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(address, target.port()), CONNECT_TIMEOUT_MS);
                s.setKeepAlive(true);
                return s;
            } catch (IOException e) {
                s.close();
                last = e;
            }
        }
        throw last != null ? last : new IOException("no address for " + target.host());
    }

    private void disconnect() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a broken connection: nothing to do
            }
        }
        socket = null;
        out = null;
        connectedTo = "";
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        sender.join(5_000);
    }

    /** {@code host:port}, {@code [v6]:port}. */
    record HostPort(String host, int port) {
        static HostPort parse(String endpoint) {
            String s = endpoint == null ? "" : endpoint.trim();
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw new IllegalArgumentException("the endpoint must be host:port");
            }
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the endpoint must be host:port");
            }
            if (port < 1 || port > 65535 || host.isBlank() || host.contains("/") || host.contains("@")) {
                throw new IllegalArgumentException("the endpoint must be host:port");
            }
            return new HostPort(host, port);
        }
    }
}
