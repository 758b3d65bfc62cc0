package dev.berth.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A scanner adapter on 127.0.0.1 that speaks Harbor's pluggable scanner API v1.1 as its OpenAPI
 * document states it: {@code GET /api/v1/metadata}, {@code POST /api/v1/scan} (202 with an id;
 * 400/422 with the spec's error body for bad requests), {@code GET /api/v1/scan/{id}/report}
 * (302 with {@code Refresh-After} while "scanning", then 200 with the Harbor vulnerability report;
 * 404 for an unknown id). Checks the MIME types of what it is sent.
 *
 * <p>Like a real adapter, it pulls the artifact from the registry with the credential it is given:
 * the manifest by digest, then its config and layers, and records each status. It also tries the
 * same credential on a repository it was not given ({@code probeRepository}), which must be refused.
 */
public final class ScannerAdapter implements AutoCloseable {
    public static final String NATIVE = "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.1";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    /** One scan request as received, with what pulling the artifact gave. */
    public record Scan(
            String id,
            JsonNode request,
            String contentType,
            List<Integer> pullStatuses,
            int probeStatus,
            String authorization) {}

    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Scan> scans = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    private final List<Map<String, List<String>>> requestHeaders = new CopyOnWriteArrayList<>();
    private volatile int notReadyPolls = 2;
    private volatile int refreshAfterSeconds = 1;
    private volatile String probeRepository = "";
    private volatile int scanStatus = 202;
    private final Map<String, String> vulnerabilitiesByDigest = new ConcurrentHashMap<>();

    private ScannerAdapter() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static ScannerAdapter start() {
        return new ScannerAdapter();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many 302s each report answers before it is ready. */
    public ScannerAdapter notReadyPolls(int n) {
        this.notReadyPolls = n;
        return this;
    }

    /** Answer {@code POST /scan} with this status (an error body for anything but 202). */
    public ScannerAdapter scanStatus(int status) {
        this.scanStatus = status;
        return this;
    }

    /** A repository the adapter tries with the credential it is given, expecting a refusal. */
    public ScannerAdapter probe(String repository) {
        this.probeRepository = repository;
        return this;
    }

    /** The {@code vulnerabilities} array (JSON) reported for one digest instead of the default two. */
    public ScannerAdapter vulnerabilities(String digest, String json) {
        vulnerabilitiesByDigest.put(digest, json);
        return this;
    }

    public List<Scan> scans() {
        return List.copyOf(scans.values());
    }

    public int polls(String id) {
        AtomicInteger n = polls.get(id);
        return n == null ? 0 : n.get();
    }

    /** The headers of every request received, in order. */
    public List<Map<String, List<String>>> requestHeaders() {
        return List.copyOf(requestHeaders);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requestHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals("/api/v1/metadata")) {
                send(exchange, 200, "application/vnd.scanner.adapter.metadata+json; version=1.0", """
                        {"scanner":{"name":"FakeScan","vendor":"Berth tests","version":"1.1.0"},
                         "capabilities":[{"consumes_mime_types":["application/vnd.oci.image.manifest.v1+json",
                                           "application/vnd.docker.distribution.manifest.v2+json"],
                                          "produces_mime_types":["%s","application/vnd.scanner.adapter.vuln.report.raw"]}],
                         "properties":{"harbor.scanner-adapter/scanner-type":"os-package-vulnerability",
                                       "harbor.scanner-adapter/vulnerability-database-updated-at":"2026-12-01T00:00:00Z"}}
                        """.formatted(
                                NATIVE));
                return;
            }
            if (method.equals("POST") && path.equals("/api/v1/scan")) {
                scan(exchange);
                return;
            }
            if (method.equals("GET") && path.startsWith("/api/v1/scan/") && path.endsWith("/report")) {
                report(exchange, path.substring("/api/v1/scan/".length(), path.length() - "/report".length()));
                return;
            }
            error(exchange, 404, "no such endpoint");
        }
    }

    private void scan(HttpExchange exchange) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (scanStatus != 202) {
            error(exchange, scanStatus, "scanner is out of order");
            return;
        }
        if (!"application/vnd.scanner.adapter.scan.request+json; version=1.0".equals(contentType)) {
            error(exchange, 400, "unsupported content type " + contentType);
            return;
        }
        JsonNode request;
        try {
            request = RegistryClient.JSON.readTree(body);
        } catch (RuntimeException e) {
            error(exchange, 400, "invalid JSON");
            return;
        }
        String registry = request.path("registry").path("url").asString("");
        String repository = request.path("artifact").path("repository").asString("");
        String digest = request.path("artifact").path("digest").asString("");
        if (registry.isEmpty() || repository.isEmpty() || !digest.startsWith("sha256:")) {
            error(exchange, 422, "missing registry url, repository or digest");
            return;
        }
        String authorization = request.path("registry").path("authorization").asString("");
        String id = UUID.randomUUID().toString();
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        // Pull as a scanner does: the manifest by digest, then every blob it names.
        HttpResponse<byte[]> manifest =
                get(registry + "/v2/" + repository + "/manifests/" + digest, authorization, OCI_MANIFEST);
        statuses.add(manifest.statusCode());
        if (manifest.statusCode() == 200) {
            JsonNode m = RegistryClient.JSON.readTree(manifest.body());
            statuses.add(get(
                            registry + "/v2/" + repository + "/blobs/"
                                    + m.path("config").path("digest").asString(),
                            authorization,
                            "*/*")
                    .statusCode());
            for (JsonNode layer : m.path("layers")) {
                statuses.add(get(
                                registry + "/v2/" + repository + "/blobs/"
                                        + layer.path("digest").asString(),
                                authorization,
                                "*/*")
                        .statusCode());
            }
        }
        int probe = probeRepository.isEmpty()
                ? 0
                : get(registry + "/v2/" + probeRepository + "/manifests/latest", authorization, OCI_MANIFEST)
                        .statusCode();
        scans.put(id, new Scan(id, request, contentType, statuses, probe, authorization));
        polls.put(id, new AtomicInteger());
        send(
                exchange,
                202,
                "application/vnd.scanner.adapter.scan.response+json; version=1.0",
                "{\"id\":\"" + id + "\"}");
    }

    private void report(HttpExchange exchange, String id) throws IOException {
        Scan scan = scans.get(id);
        if (scan == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (!NATIVE.equals(accept)) {
            error(exchange, 400, "unsupported report type " + accept);
            return;
        }
        int n = polls.get(id).incrementAndGet();
        if (n <= notReadyPolls) {
            exchange.getResponseHeaders().add("Refresh-After", String.valueOf(refreshAfterSeconds));
            exchange.getResponseHeaders().add("Location", "/api/v1/scan/" + id + "/report");
            exchange.sendResponseHeaders(302, -1);
            return;
        }
        JsonNode artifact = scan.request().path("artifact");
        String vulnerabilities =
                vulnerabilitiesByDigest.getOrDefault(artifact.path("digest").asString(), """
                [{"id":"CVE-2021-44228","package":"log4j-core","version":"2.14.1","fix_version":"2.15.0",
                  "severity":"Critical","description":"Log4Shell","links":["https://nvd.nist.gov/vuln/detail/CVE-2021-44228"]},
                 {"id":"CVE-2023-0001","package":"zlib","version":"1.2.11","fix_version":"",
                  "severity":"Low","description":"a low one","links":[]}]""");
        send(exchange, 200, NATIVE, """
                {"generated_at":"2026-12-07T10:00:00Z",
                 "artifact":{"repository":"%s","digest":"%s","mime_type":"%s"},
                 "scanner":{"name":"FakeScan","vendor":"Berth tests","version":"1.1.0"},
                 "vulnerabilities":%s}
                """.formatted(
                        artifact.path("repository").asString(),
                        artifact.path("digest").asString(),
                        artifact.path("mime_type").asString(),
                        vulnerabilities));
    }

    private HttpResponse<byte[]> get(String url, String authorization, String accept) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", accept);
            if (!authorization.isEmpty()) {
                b.header("Authorization", authorization);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        send(
                exchange,
                status,
                "application/vnd.scanner.adapter.error+json; version=1.0",
                "{\"error\":{\"message\":\"" + message.replace("\"", "'") + "\"}}");
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
