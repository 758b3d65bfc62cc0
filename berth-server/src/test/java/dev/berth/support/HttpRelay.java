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
 * the blobs whose path contains a given text, keeping their length), holds a blob mid-body until
 * released (so clients can be seen reading it while it arrives), or breaks a blob's answer off
 * once after some bytes (so a resumed transfer can be seen, with the {@code Range} it asked for).
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
    private final List<String> ranges = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, String> extraHeaders = new ConcurrentHashMap<>();
    private volatile Pause hold;
    private final AtomicInteger blobsInFlight = new AtomicInteger();
    private final AtomicInteger mostBlobsInFlight = new AtomicInteger();
    private volatile Pause cut;

    /** Blob GETs whose path contains {@code match} stop after {@code afterBytes}: held on a latch, or cut once. */
    private record Pause(String match, long afterBytes, java.util.concurrent.CountDownLatch latch) {}

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

    /**
     * Blob GETs whose path contains {@code text} send {@code afterBytes} of the body, then wait
     * until {@link #release()}.
     */
    public void holdBlobsMatching(String text, long afterBytes) {
        hold = new Pause(text, afterBytes, new java.util.concurrent.CountDownLatch(1));
    }

    /** Lets held blob answers go on. */
    public void release() {
        Pause p = hold;
        hold = null;
        if (p != null) {
            p.latch().countDown();
        }
    }

    /** The next blob GET whose path contains {@code text} is broken off (connection closed) after {@code afterBytes}. */
    public void cutBlobOnce(String text, long afterBytes) {
        cut = new Pause(text, afterBytes, new java.util.concurrent.CountDownLatch(0));
    }

    /** Adds a header to every relayed answer (an upstream's {@code ratelimit-remaining}, say). */
    public void addHeader(String name, String value) {
        extraHeaders.put(name, value);
    }

    /** The most blob GETs the relay was answering at the same time. */
    public int mostBlobsInFlight() {
        return mostBlobsInFlight.get();
    }

    /** The {@code Range} headers of the requests relayed so far, as {@code "/path bytes=…"}. */
    public List<String> ranges() {
        return List.copyOf(ranges);
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
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null) {
            ranges.add(path + " " + range);
        }
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
                case PASS -> {
                    boolean blob = path.contains("/blobs/")
                            && exchange.getRequestMethod().equals("GET");
                    if (blob) {
                        mostBlobsInFlight.accumulateAndGet(blobsInFlight.incrementAndGet(), Math::max);
                    }
                    try {
                        forward(exchange, path);
                    } finally {
                        if (blob) {
                            blobsInFlight.decrementAndGet();
                        }
                    }
                }
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
        extraHeaders.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
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
        Pause held = pauseFor(hold, path);
        Pause broken = pauseFor(cut, path);
        if (broken != null) {
            cut = null;
        }
        exchange.sendResponseHeaders(response.statusCode(), length);
        try (InputStream in = response.body();
                OutputStream out = exchange.getResponseBody()) {
            byte[] buffer = new byte[64 * 1024];
            boolean first = true;
            long sent = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (flip && first) {
                    buffer[0] ^= 0x01;
                }
                first = false;
                long stopAt = held != null ? held.afterBytes() : broken != null ? broken.afterBytes() : Long.MAX_VALUE;
                if (sent < stopAt && sent + n >= stopAt) {
                    int part = (int) (stopAt - sent);
                    out.write(buffer, 0, part);
                    out.flush();
                    if (broken != null) {
                        // a reset mid-body: the connection closes short of Content-Length
                        throw new IOException("cut by the test");
                    }
                    awaitRelease(held);
                    out.write(buffer, part, n - part);
                } else {
                    out.write(buffer, 0, n);
                }
                sent += n;
            }
        }
    }

    private static Pause pauseFor(Pause p, String path) {
        return p != null && path.contains("/blobs/") && path.contains(p.match()) ? p : null;
    }

    private static void awaitRelease(Pause held) throws IOException {
        try {
            held.latch().await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
