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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP relay on 127.0.0.1 in front of a registry, which a test makes misbehave on blob uploads
 * (the POST, PATCH and PUT of {@code /blobs/uploads/}): answer 429 with {@code Retry-After}, answer
 * 500, or read half the body and reset the connection — for the next n uploads or until {@link
 * #heal()}. It records every request it relays (method and path) so a test can see how a client
 * talked to the registry. {@code Location} headers are rewritten to point back at the relay.
 *
 * <p>It can also go silent until {@link #heal()}: accept every connection and request and never
 * answer ({@link #hangEveryRequest()}), or answer a blob GET's headers and half its body and then
 * send nothing more ({@link #stallBlobBodies()}), or stop reading a blob upload's body
 * ({@link #stallUploadBodies()}). Held exchanges are dropped when it heals.
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

    private enum Hold {
        EVERY_REQUEST,
        BLOB_BODY,
        TRICKLE,
        UPLOAD_BODY
    }

    private volatile Duration trickleEvery = Duration.ofMillis(100);

    private volatile Hold hold;
    private volatile CountDownLatch released = new CountDownLatch(0);
    private final AtomicInteger held = new AtomicInteger();

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

    /**
     * Serves another API on the relay's host instead of relaying it, as a hosted registry serves
     * its own API beside {@code /v2/} (Quay's {@code /api/v1/}).
     */
    public void serve(String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, handler);
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next {@code times} blob upload requests get the fault; -1 for every one until {@link #heal()}. */
    public void failUploads(Fault fault, int times) {
        this.remaining.set(times);
        this.fault = fault;
    }

    /** Every request from now on is read and never answered, until {@link #heal()}. */
    public void hangEveryRequest() {
        released = new CountDownLatch(1);
        hold = Hold.EVERY_REQUEST;
    }

    /**
     * Every blob GET from now on gets its headers (with the full {@code Content-Length}) and half
     * its body, then nothing more until {@link #heal()}.
     */
    public void stallBlobBodies() {
        released = new CountDownLatch(1);
        hold = Hold.BLOB_BODY;
    }

    /**
     * Every blob GET from now on gets its headers (with the full {@code Content-Length}) and then
     * one byte of its body every {@code every} — never silent long enough for a read timeout —
     * until {@link #heal()}, when the connection is dropped short of its length.
     */
    public void trickleBlobBodies(Duration every) {
        released = new CountDownLatch(1);
        trickleEvery = every;
        hold = Hold.TRICKLE;
    }

    /**
     * Every blob upload with a body (the PUT or PATCH of {@code /blobs/uploads/}) from now on has
     * its first 64 KiB read and then nothing more, and gets no answer, until {@link #heal()}: a
     * destination that accepts the upload and stops taking it, so the sender blocks writing.
     */
    public void stallUploadBodies() {
        released = new CountDownLatch(1);
        hold = Hold.UPLOAD_BODY;
    }

    /** How many requests were held silent (or trickled) so far. */
    public int heldRequests() {
        return held.get();
    }

    public void heal() {
        this.fault = null;
        this.hold = null;
        released.countDown();
    }

    private void awaitRelease() {
        try {
            released.await(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        if (hold == Hold.EVERY_REQUEST) {
            held.incrementAndGet();
            awaitRelease();
            exchange.close(); // the caller gave up long ago: drop the connection
            return;
        }
        if (hold == Hold.UPLOAD_BODY
                && (method.equals("PUT") || method.equals("PATCH"))
                && uri.getRawPath().contains("/blobs/uploads/")) {
            held.incrementAndGet();
            try (InputStream in = exchange.getRequestBody()) {
                in.readNBytes(64 * 1024);
                awaitRelease();
            } catch (IOException e) {
                // the sender gave up: what it should do
            } finally {
                exchange.close();
            }
            return;
        }
        Hold blobHold = hold;
        boolean stall = (blobHold == Hold.BLOB_BODY || blobHold == Hold.TRICKLE)
                && method.equals("GET")
                && uri.getRawPath().contains("/blobs/sha256:");
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
            if (stall && !empty && response.statusCode() == 200) {
                held.incrementAndGet();
                OutputStream os = exchange.getResponseBody();
                if (blobHold == Hold.TRICKLE) {
                    CountDownLatch until = released;
                    try {
                        for (int i = 0; i < out.length - 1; i++) {
                            os.write(out[i]);
                            os.flush();
                            if (until.await(trickleEvery.toMillis(), TimeUnit.MILLISECONDS)) {
                                break;
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (IOException e) {
                        // the client gave up: what it should do
                    }
                    return; // closed below, short of Content-Length
                }
                os.write(out, 0, out.length / 2);
                os.flush();
                awaitRelease();
                return; // closed below, short of Content-Length
            }
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
