package dev.berth.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Just enough of a Kubernetes API server for Helm's {@code lookup} of Secrets: discovery of the
 * core group and {@code GET} of a Secret, which is 404 unless the test put one there. The chart
 * looks up the Secrets it generated on an earlier install so that an upgrade keeps the token key,
 * the database password and the certificate; helm-java's template asks the cluster for them (the
 * {@code helm template} command line does not), so the test gives it this one through KUBECONFIG.
 */
final class FakeKubernetesApi implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();

    private FakeKubernetesApi(HttpServer server) {
        this.server = server;
    }

    /** Starts on a free port of 127.0.0.1 and writes a kubeconfig for it to {@code kubeconfig}. */
    static FakeKubernetesApi start(Path kubeconfig) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        FakeKubernetesApi api = new FakeKubernetesApi(server);
        server.createContext("/", api::handle);
        server.start();
        Files.createDirectories(kubeconfig.toAbsolutePath().getParent());
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: fake
                    cluster:
                      server: http://127.0.0.1:%d
                contexts:
                  - name: fake
                    context:
                      cluster: fake
                      user: fake
                current-context: fake
                users:
                  - name: fake
                    user:
                      token: fake
                """.formatted(server.getAddress().getPort()));
        return api;
    }

    /** A Secret that exists in the "cluster", as an earlier install left it. */
    void putSecret(String namespace, String name, Map<String, String> data) {
        secrets.put(namespace + "/" + name, data);
    }

    void clear() {
        secrets.clear();
    }

    /** Requests this fake did not know how to answer. */
    List<String> unexpected() {
        return unexpected;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String[] parts = path.split("/");
        if (!exchange.getRequestMethod().equals("GET")) {
            unexpected.add(exchange.getRequestMethod() + " " + path);
            send(exchange, 405, status(405, "MethodNotAllowed"));
        } else if (path.equals("/api")) {
            send(exchange, 200, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}");
        } else if (path.equals("/apis")) {
            send(exchange, 200, "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}");
        } else if (path.equals("/version")) {
            send(exchange, 200, "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0\"}");
        } else if (path.equals("/api/v1")) {
            send(
                    exchange,
                    200,
                    "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":[{\"name\":\"secrets\","
                            + "\"singularName\":\"secret\",\"namespaced\":true,\"kind\":\"Secret\",\"verbs\":[\"get\"]}]}");
        } else if (parts.length == 7 && path.startsWith("/api/v1/namespaces/") && parts[5].equals("secrets")) {
            Map<String, String> data = secrets.get(parts[4] + "/" + parts[6]);
            if (data == null) {
                send(exchange, 404, status(404, "NotFound"));
            } else {
                String encoded = data.entrySet().stream()
                        .map(e -> "\"" + e.getKey() + "\":\""
                                + Base64.getEncoder()
                                        .encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)) + "\"")
                        .collect(Collectors.joining(","));
                send(
                        exchange,
                        200,
                        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"" + parts[6]
                                + "\",\"namespace\":\"" + parts[4] + "\"},\"type\":\"Opaque\",\"data\":{" + encoded
                                + "}}");
            }
        } else {
            unexpected.add("GET " + path);
            send(exchange, 404, status(404, "NotFound"));
        }
    }

    private static String status(int code, String reason) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"" + reason
                + "\",\"code\":" + code + "}";
    }

    private static void send(HttpExchange exchange, int code, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
