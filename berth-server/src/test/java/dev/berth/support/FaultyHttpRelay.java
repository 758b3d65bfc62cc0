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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP relay on 127.0.0.1 in front of a registry, which a test makes misbehave on blob uploads
 * (the POST, PATCH and PUT of {@code /blobs/uploads/}): answer 429 with {@code Retry-After}, answer
 * 500, or read half the body and reset the connection — for the next n uploads or until {@link
 * #heal()}. It records every request it relays (method and path) so a test can see how a client
 * talked to the registry. {@code Location} headers are rewritten to point back at the relay.
 */
public final class FaultyHttpRelay implements AutoCloseable {
    /** What a faulty upload request gets. */
    public enum Fault {
        TOO_MANY_REQUESTS,
        SERVER_ERROR,
        RESET_MID_BODY
    }

    private static final Set<String> HOP_HEADERS =
            Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding", "date");

    private final HttpServer server;
    private final URI target;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile Fault fault;
    private final AtomicInteger remaining = new AtomicInteger();

    private FaultyHttpRelay(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::relay);
        server.start();
    }

    public static FaultyHttpRelay to(URI target) {
        try {
            return new FaultyHttpRelay(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next {@code times} blob upload requests get the fault; -1 for every one until {@link #heal()}. */
    public void failUploads(Fault fault, int times) {
        this.remaining.set(times);
        this.fault = fault;
    }

    public void heal() {
        this.fault = null;
    }

    /** "METHOD /path" of every request relayed so far. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    private Fault faultFor(String path) {
        Fault f = fault;
        if (f == null || !path.contains("/blobs/uploads/")) {
            return null;
        }
        int left = remaining.getAndUpdate(n -> n > 0 ? n - 1 : n);
        if (left == 0) {
            return null;
        }
        return f;
    }

    private void relay(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        URI uri = exchange.getRequestURI();
        requests.add(method + " " + uri.getRawPath());
        Fault f = faultFor(uri.getRawPath());
        try (InputStream in = exchange.getRequestBody()) {
            if (f == Fault.RESET_MID_BODY) {
                in.readNBytes(Math.max(1, in.available() / 2 + 1));
                exchange.close(); // no response: the connection is dropped
                return;
            }
            byte[] body = in.readAllBytes();
            if (f == Fault.TOO_MANY_REQUESTS) {
                exchange.getResponseHeaders().add("Retry-After", "1");
                exchange.sendResponseHeaders(429, -1);
                exchange.close();
                return;
            }
            if (f == Fault.SERVER_ERROR) {
                exchange.sendResponseHeaders(500, -1);
                exchange.close();
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.toString()
                            + uri.getRawPath()
                            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                    .method(
                            method,
                            body.length == 0 && !method.equals("PUT") && !method.equals("PATCH")
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.close();
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    return;
                }
                List<String> rewritten = new ArrayList<>();
                for (String v : values) {
                    rewritten.add(
                            name.equalsIgnoreCase("Location")
                                    ? v.replace(target.toString(), baseUri().toString())
                                    : v);
                }
                exchange.getResponseHeaders().put(name, rewritten);
            });
            byte[] out = response.body();
            boolean empty = method.equals("HEAD") || out.length == 0;
            exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : out.length);
            if (!empty) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
