package dev.berth.outbound;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * An HTTP(S) server on one local address that records every request it receives and answers with
 * a handler the test gives. Stopping it releases requests that a hanging handler still holds.
 */
final class LocalReceiver implements AutoCloseable {
    record Received(String method, String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst()
                    .orElse(null);
        }
    }

    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped;

    private LocalReceiver(HttpServer server, Handler handler, CountDownLatch stopped) {
        this.server = server;
        this.stopped = stopped;
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                received.add(new Received(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().toString(),
                        Map.copyOf(exchange.getRequestHeaders()),
                        exchange.getRequestBody().readAllBytes()));
                handler.handle(exchange);
            }
        });
        server.start();
    }

    /** A plain HTTP receiver on {@code address} (any free port) answering 200 "ok". */
    static LocalReceiver on(String address) {
        return on(address, ok());
    }

    static LocalReceiver on(String address, Handler handler) {
        try {
            return new LocalReceiver(
                    HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 16),
                    handler,
                    new CountDownLatch(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTPS receiver presenting the certificate of {@code tls}. */
    static LocalReceiver https(String address, SSLContext tls, Handler handler) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 16);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            return new LocalReceiver(server, handler, new CountDownLatch(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Handler ok() {
        return respond(200, "ok");
    }

    static Handler respond(int status, String body) {
        return exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        };
    }

    static Handler redirect(int status, String location) {
        return exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(status, -1);
        };
    }

    /** A receiver that holds every request until it is closed: one that never answers. */
    static LocalReceiver hanging(String address) {
        CountDownLatch stopped = new CountDownLatch(1);
        Handler hang = exchange -> {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try {
            return new LocalReceiver(
                    HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 16), hang, stopped);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** A URL on this receiver, with the host written as {@code host} (any spelling of its address). */
    URI url(String host, String path) {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://" + host + ":" + port() + path);
    }

    /** A URL with the host as the receiver's address is written canonically. */
    URI url(String path) {
        String host = server.getAddress().getAddress().getHostAddress();
        return url(host.contains(":") ? "[" + host + "]" : host, path);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        stopped.countDown();
        server.stop(0);
    }
}
