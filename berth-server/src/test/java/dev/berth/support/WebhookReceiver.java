package dev.berth.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A webhook receiver on 127.0.0.1 as Harbor's users run one: it takes {@code POST}s, records each
 * (headers, body, when, what it answered: -1 for a request it held past the sender's patience) and answers 200, or what the test scripted: a sequence of statuses, a hang
 * longer than the sender's timeout, or being down altogether (its port closed) until it comes back
 * on the same port.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as received. */
    public record Received(
            String method, String path, Map<String, List<String>> headers, byte[] body, Instant at, int answered) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst()
                    .orElse(null);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            return RegistryClient.JSON.readTree(body);
        }
    }

    private int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Queue<Integer> scripted = new ConcurrentLinkedQueue<>();
    private volatile Duration hang = Duration.ZERO;
    private volatile java.util.Optional<String> location = java.util.Optional.empty();
    private HttpServer server;

    private WebhookReceiver(int port) {
        this.port = port;
    }

    /** A receiver on a free port, up. */
    public static WebhookReceiver start() {
        WebhookReceiver r = new WebhookReceiver(0);
        r.up();
        return r;
    }

    /** Starts listening (again, on the same port after {@link #down()}). */
    public synchronized WebhookReceiver up() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
        return this;
    }

    /** Stops listening: connections are refused until {@link #up()}. */
    public synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** The next answers, in order, before it answers 200 again. */
    public WebhookReceiver answer(int... statuses) {
        for (int s : statuses) {
            scripted.add(s);
        }
        return this;
    }

    /** Sends this {@code Location} header with every answer (for redirects). */
    public WebhookReceiver location(String url) {
        location = java.util.Optional.of(url);
        return this;
    }

    /** Holds every request this long before answering (0 to stop hanging); a held request counts as not answered. */
    public WebhookReceiver hang(Duration d) {
        hang = d;
        return this;
    }

    public int port() {
        return port;
    }

    /** The URL to give a webhook policy, with {@code path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Waits (up to a minute) until the received requests satisfy {@code done}. */
    public List<Received> await(Predicate<List<Received>> done) {
        return Eventually.await(this::received, done);
    }

    /** The requests whose body mentions {@code text}. */
    public List<Received> mentioning(String text) {
        List<Received> found = new ArrayList<>();
        for (Received r : received) {
            if (r.text().contains(text)) {
                found.add(r);
            }
        }
        return found;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Duration hold = hang;
            Integer scriptedStatus = scripted.poll();
            int status = scriptedStatus == null ? 200 : scriptedStatus;
            received.add(new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    body,
                    Instant.now(),
                    hold.isZero() ? status : -1));
            if (!hold.isZero()) {
                try {
                    Thread.sleep(hold);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] answer =
                    (status < 300 ? "ok" : "failing on purpose <b>" + status + "</b>").getBytes(StandardCharsets.UTF_8);
            location.ifPresent(l -> exchange.getResponseHeaders().set("Location", l));
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    @Override
    public void close() {
        down();
    }
}
