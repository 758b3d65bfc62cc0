package dev.berth.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JFrog Artifactory's REST API as far as Harbor's adapter uses it, in the shapes JFrog documents,
 * on 127.0.0.1 in front of a docker-registry that holds the content:
 *
 * <ul>
 *   <li>{@code GET /artifactory/api/repositories?packageType=docker}: the docker repositories
 *       ({@code key}, {@code type} LOCAL, {@code packageType} Docker, {@code url});
 *   <li>{@code PUT /artifactory/api/repositories/<key>}: creates one from a JSON body that must say
 *       {@code rclass} local and {@code packageType} docker; 400 when the key exists;
 *   <li>{@code GET /artifactory/api/docker/<key>/v2/_catalog}: the images under {@code <key>/} of
 *       the registry behind, without the key (a 401 with a Basic challenge without a login).
 * </ul>
 *
 * Every call needs the account as HTTP Basic. Each call is recorded as "METHOD path".
 */
public final class ArtifactoryStandIn implements AutoCloseable {
    private final HttpServer server;
    private final String authorization;
    private final URI registry;
    private final Set<String> keys = new ConcurrentSkipListSet<>();
    private final List<String> operations = new CopyOnWriteArrayList<>();
    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    private ArtifactoryStandIn(String user, String password, URI registry, List<String> keys) throws IOException {
        this.authorization =
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.registry = registry;
        this.keys.addAll(keys);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/artifactory/api/", this::handle);
        server.start();
    }

    /** A stand-in for one account, with the docker repositories {@code keys} already there. */
    public static ArtifactoryStandIn start(String user, String password, URI registry, String... keys) {
        try {
            return new ArtifactoryStandIn(user, password, registry, List.of(keys));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public Set<String> dockerRepositories() {
        return Set.copyOf(keys);
    }

    public List<String> operations() {
        return List.copyOf(operations);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            operations.add(method + " " + path);
            if (!authorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Artifactory Realm\"");
                JsonAnswers.send(
                        exchange, 401, Map.of("errors", List.of(Map.of("status", 401, "message", "Bad credentials"))));
                return;
            }
            if (method.equals("GET") && path.equals("/artifactory/api/repositories")) {
                List<Object> list = new ArrayList<>();
                for (String key : keys) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("key", key);
                    o.put("type", "LOCAL");
                    o.put("url", baseUri() + "/artifactory/" + key);
                    o.put("packageType", "Docker");
                    list.add(o);
                }
                JsonAnswers.send(exchange, 200, list);
                return;
            }
            if (method.equals("PUT") && path.startsWith("/artifactory/api/repositories/")) {
                String key = path.substring("/artifactory/api/repositories/".length());
                JsonNode body = json.readTree(exchange.getRequestBody().readAllBytes());
                if (!key.equals(body.path("key").asString())
                        || !"local".equals(body.path("rclass").asString())
                        || !"docker".equalsIgnoreCase(body.path("packageType").asString())) {
                    JsonAnswers.send(
                            exchange, 400, Map.of("errors", List.of(Map.of("status", 400, "message", "bad body"))));
                    return;
                }
                if (!keys.add(key)) {
                    JsonAnswers.send(
                            exchange, 400, Map.of("errors", List.of(Map.of("status", 400, "message", "exists"))));
                    return;
                }
                byte[] text = ("Successfully created repository '" + key + "'").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, text.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(text);
                }
                return;
            }
            String prefix = "/artifactory/api/docker/";
            if (method.equals("GET") && path.startsWith(prefix) && path.endsWith("/v2/_catalog")) {
                String key = path.substring(prefix.length(), path.length() - "/v2/_catalog".length());
                if (!keys.contains(key)) {
                    JsonAnswers.send(
                            exchange,
                            404,
                            Map.of("errors", List.of(Map.of("status", 404, "message", "no repository"))));
                    return;
                }
                HttpResponse<byte[]> catalog;
                try {
                    catalog = http.send(
                            HttpRequest.newBuilder(URI.create(registry + "/v2/_catalog?n=1000"))
                                    .header("Authorization", authorization)
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                List<String> names = new ArrayList<>();
                for (JsonNode name : json.readTree(catalog.body()).path("repositories")) {
                    if (name.asString().startsWith(key + "/")) {
                        names.add(name.asString().substring(key.length() + 1));
                    }
                }
                JsonAnswers.send(exchange, 200, Map.of("repositories", names));
                return;
            }
            JsonAnswers.send(exchange, 404, Map.of("errors", List.of(Map.of("status", 404, "message", "Not Found"))));
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
