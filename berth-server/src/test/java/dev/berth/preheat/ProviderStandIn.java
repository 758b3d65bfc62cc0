package dev.berth.preheat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.support.Eventually;
import dev.berth.support.RegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A P2P provider on 127.0.0.1 speaking the endpoints Harbor's drivers call, in their documented
 * shapes. As a Dragonfly 2 manager: {@code GET /healthy}; {@code POST /oapi/v1/jobs} answered with
 * a job ({@code id}, {@code state: PENDING}), and, like a seed peer would, it really fetches the
 * manifest URL it was given with the headers it was given (and, with the same headers, the manifest
 * of another repository the test names, which must be refused); {@code GET /oapi/v1/jobs/<id>}
 * answers PENDING on the first poll and SUCCESS (with a peer result) after. As a Kraken proxy:
 * {@code GET /health} and {@code POST /registry/notifications}.
 */
final class ProviderStandIn implements AutoCloseable {
    /** One request as received. */
    record Call(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst()
                    .orElse(null);
        }

        JsonNode json() {
            return RegistryClient.JSON.readTree(body);
        }
    }

    /** What the stand-in got when it fetched the manifest it was told to preheat (and another one). */
    record Fetch(String url, int status, String digest, int otherRepositoryStatus) {}

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Fetch> fetches = new CopyOnWriteArrayList<>();
    private final Map<Integer, AtomicInteger> polls = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(100);
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile boolean healthy = true;
    private volatile String otherRepository = "";

    private ProviderStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    static ProviderStandIn start() {
        return new ProviderStandIn();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    ProviderStandIn healthy(boolean healthy) {
        this.healthy = healthy;
        return this;
    }

    /** A repository (full name, with tag {@code latest}) the stand-in also tries with the credential it gets. */
    ProviderStandIn alsoTry(String repository) {
        this.otherRepository = repository;
        return this;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String method, String path) {
        return calls.stream()
                .filter(c -> c.method().equals(method) && c.path().equals(path))
                .toList();
    }

    List<Fetch> fetches() {
        return List.copyOf(fetches);
    }

    List<Call> await(Predicate<List<Call>> done) {
        return Eventually.await(this::calls, done);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            Call call = new Call(method, path, Map.copyOf(exchange.getRequestHeaders()), body);
            calls.add(call);
            if (method.equals("GET") && (path.equals("/healthy") || path.equals("/health"))) {
                answer(exchange, healthy ? 200 : 503, healthy ? "OK" : "unhealthy");
            } else if (method.equals("POST") && path.equals("/oapi/v1/jobs")) {
                createJob(exchange, call.json());
            } else if (method.equals("GET") && path.startsWith("/oapi/v1/jobs/")) {
                job(exchange, Integer.parseInt(path.substring("/oapi/v1/jobs/".length())));
            } else if (method.equals("POST") && path.equals("/registry/notifications")) {
                answer(exchange, 200, "");
            } else {
                answer(exchange, 404, "no such endpoint");
            }
        }
    }

    private void createJob(HttpExchange exchange, JsonNode request) throws IOException {
        JsonNode args = request.path("args");
        String url = args.path("url").asString("");
        String auth = args.path("headers").path("Authorization").asString("");
        HttpResponse<byte[]> got = fetch(url, auth);
        int other = -1;
        if (!otherRepository.isEmpty()) {
            String otherUrl = url.substring(0, url.indexOf("/v2/") + 4) + otherRepository + "/manifests/latest";
            other = fetch(otherUrl, auth).statusCode();
        }
        fetches.add(new Fetch(
                url,
                got.statusCode(),
                got.headers().firstValue("Docker-Content-Digest").orElse(""),
                other));
        int id = ids.incrementAndGet();
        polls.put(id, new AtomicInteger());
        answer(exchange, 200, jobJson(id, "PENDING", ""));
    }

    private HttpResponse<byte[]> fetch(String url, String auth) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(url.replace("//localhost:", "//127.0.0.1:")))
                    .header("Accept", RegistryClient.OCI_MANIFEST + ", " + RegistryClient.DOCKER_MANIFEST);
            if (!auth.isEmpty()) {
                request.header("Authorization", auth);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void job(HttpExchange exchange, int id) throws IOException {
        AtomicInteger count = polls.get(id);
        if (count == null) {
            answer(exchange, 404, "{\"message\":\"job not found\"}");
            return;
        }
        String result = """
                {"job_states":[{"error":"","results":[{"scheduler_cluster_id":1,"success_tasks":[
                {"url":"blob-url","hostname":"seed-peer-1","ip":"10.0.0.7"}],"failure_tasks":[]}]}]}""";
        answer(
                exchange,
                200,
                count.incrementAndGet() < 2 ? jobJson(id, "PENDING", "") : jobJson(id, "SUCCESS", result));
    }

    private static String jobJson(int id, String state, String result) {
        String now = Instant.now().toString();
        return "{\"id\":" + id + ",\"created_at\":\"" + now + "\",\"updated_at\":\"" + now + "\",\"state\":\"" + state
                + "\"" + (result.isEmpty() ? "" : ",\"result\":" + result) + "}";
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
