package dev.berth.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP relay on 127.0.0.1 in front of a registry, standing between Berth and its upstream: it
 * counts the requests it relays ({@code "GET /v2/app/blobs/sha256:…"}), and on a test's word
 * answers as a failing upstream would (500, 429 with {@code Retry-After}) or lies (flips a byte of
 * the blobs whose path contains a given text, keeping their length).
 */
public final class HttpRelay implements AutoCloseable {
    /** How the relay answers. */
    public enum Mode {
        PASS,
        ERROR_500,
        TOO_MANY_REQUESTS
    }

    private final HttpServer server;
    private final URI target;
    private final HttpClient client = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.PASS);
    private final Set<String> corrupt = ConcurrentHashMap.newKeySet();
    private volatile String retryAfter = "120";

    private HttpRelay(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::relay);
        server.start();
    }

    public static HttpRelay to(URI target) {
        try {
            return new HttpRelay(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public void mode(Mode m) {
        mode.set(m);
    }

    /** The {@code Retry-After} value sent with 429. */
    public void retryAfter(String value) {
        retryAfter = value;
    }

    /** Blob GETs whose path contains {@code text} get one byte flipped. */
    public void corruptBlobsMatching(String text) {
        corrupt.add(text);
    }

    public void stopCorrupting() {
        corrupt.clear();
    }

    /** How many requests of {@code "METHOD /path"} reached the relay (in any mode). */
    public int count(String methodAndPath) {
        AtomicInteger n = counts.get(methodAndPath);
        return n == null ? 0 : n.get();
    }

    /** Requests whose {@code "METHOD /path"} contains {@code text}. */
    public int countContaining(String text) {
        return counts.entrySet().stream()
                .filter(e -> e.getKey().contains(text))
                .mapToInt(e -> e.getValue().get())
                .sum();
    }

    private void relay(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String key = exchange.getRequestMethod() + " " + path;
        counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        try (exchange) {
            switch (mode.get()) {
                case ERROR_500 -> {
                    exchange.sendResponseHeaders(500, -1);
                    return;
                }
                case TOO_MANY_REQUESTS -> {
                    exchange.getResponseHeaders().add("Retry-After", retryAfter);
                    exchange.sendResponseHeaders(429, -1);
                    return;
                }
                case PASS -> forward(exchange, path);
            }
        }
    }

    private void forward(HttpExchange exchange, String path) throws IOException {
        URI uri = URI.create(target.toString()
                + exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null
                        ? ""
                        : "?" + exchange.getRequestURI().getRawQuery()));
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .method(
                        exchange.getRequestMethod(),
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!Set.of("host", "content-length", "connection", "expect", "upgrade")
                    .contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
            }
        });
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        response.headers().map().forEach((name, values) -> {
            if (!Set.of("content-length", "transfer-encoding", "connection", ":status")
                    .contains(name.toLowerCase(java.util.Locale.ROOT))) {
                exchange.getResponseHeaders().put(name, List.copyOf(values));
            }
        });
        long length = response.headers().firstValueAsLong("Content-Length").orElse(0);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (head || length == 0) {
            if (head && length > 0) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
            }
            exchange.sendResponseHeaders(response.statusCode(), -1);
            response.body().close();
            return;
        }
        boolean flip = path.contains("/blobs/") && corrupt.stream().anyMatch(path::contains);
        exchange.sendResponseHeaders(response.statusCode(), length);
        try (InputStream in = response.body();
                OutputStream out = exchange.getResponseBody()) {
            byte[] buffer = new byte[64 * 1024];
            boolean first = true;
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (flip && first) {
                    buffer[0] ^= 0x01;
                }
                first = false;
                out.write(buffer, 0, n);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
