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
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Docker Hub's API (hub.docker.com) as far as Harbor's adapter uses it, in the shapes Docker
 * documents, on 127.0.0.1 in front of a docker-registry that holds the content:
 *
 * <ul>
 *   <li>{@code POST /v2/auth/token} with {@code {"identifier", "secret"}}: {@code {"access_token"}}
 *       for the one account (401 otherwise); every other call needs it as a bearer token;
 *   <li>{@code GET /v2/repositories/namespaces}: the account's name and its organizations;
 *   <li>{@code GET /v2/repositories/<ns>/?page=&page_size=}: {@code count}, {@code next}, {@code
 *       results} (name, namespace, repository_type) from the registry's catalog;
 *   <li>{@code GET /v2/orgs/<ns>/} (404 when unknown) and {@code POST /v2/orgs/} with {@code
 *       orgname}.
 * </ul>
 *
 * Each call is recorded as "METHOD path?query". A page holds at most one repository (Docker Hub's
 * limit is 100), so that a small test follows {@code next}.
 */
public final class DockerHubStandIn implements AutoCloseable {
    private final HttpServer server;
    private final String user;
    private final String password;
    private final URI registry;
    private final String token = "dckr_jwt_" + UUID.randomUUID();
    private final Set<String> orgs = new ConcurrentSkipListSet<>();
    private final List<String> operations = new CopyOnWriteArrayList<>();
    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    private DockerHubStandIn(String user, String password, URI registry) throws IOException {
        this.user = user;
        this.password = password;
        this.registry = registry;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v2/", this::handle);
        server.start();
    }

    /** A stand-in for one account whose registry login is the same user and password. */
    public static DockerHubStandIn start(String user, String password, URI registry) {
        try {
            return new DockerHubStandIn(user, password, registry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The bearer token the login hands out (to check it is never shown). */
    public String accessToken() {
        return token;
    }

    public Set<String> organizations() {
        return Set.copyOf(orgs);
    }

    public List<String> operations() {
        return List.copyOf(operations);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            operations.add(method + " " + path + (query == null ? "" : "?" + query));
            if (method.equals("POST") && path.equals("/v2/auth/token")) {
                JsonNode body = json.readTree(exchange.getRequestBody().readAllBytes());
                if (!user.equals(body.path("identifier").asString())
                        || !password.equals(body.path("secret").asString())) {
                    JsonAnswers.send(exchange, 401, Map.of("detail", "Incorrect authentication credentials"));
                    return;
                }
                JsonAnswers.send(exchange, 200, Map.of("access_token", token));
                return;
            }
            if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                JsonAnswers.send(exchange, 401, Map.of("detail", "Authentication credentials were not provided."));
                return;
            }
            if (method.equals("GET") && path.equals("/v2/repositories/namespaces")) {
                List<String> namespaces = new ArrayList<>();
                namespaces.add(user);
                namespaces.addAll(orgs);
                JsonAnswers.send(exchange, 200, Map.of("namespaces", namespaces));
                return;
            }
            if (method.equals("POST") && path.equals("/v2/orgs/")) {
                String org = json.readTree(exchange.getRequestBody().readAllBytes())
                        .path("orgname")
                        .asString("");
                if (org.isEmpty() || org.equals(user) || !orgs.add(org)) {
                    JsonAnswers.send(exchange, 400, Map.of("orgname", List.of("This namespace is not available.")));
                    return;
                }
                JsonAnswers.send(exchange, 201, Map.of("orgname", org));
                return;
            }
            if (method.equals("GET") && path.startsWith("/v2/orgs/") && path.endsWith("/")) {
                String org = path.substring("/v2/orgs/".length(), path.length() - 1);
                if (orgs.contains(org)) {
                    JsonAnswers.send(exchange, 200, Map.of("orgname", org));
                } else {
                    JsonAnswers.send(exchange, 404, Map.of("detail", "Not found."));
                }
                return;
            }
            if (method.equals("GET") && path.startsWith("/v2/repositories/") && path.endsWith("/")) {
                String ns = path.substring("/v2/repositories/".length(), path.length() - 1);
                int page = 1;
                int size = 1;
                for (String p : (query == null ? "" : query).split("&")) {
                    if (p.startsWith("page=")) {
                        page = Integer.parseInt(p.substring(5));
                    } else if (p.startsWith("page_size=")) {
                        size = Math.min(1, Integer.parseInt(p.substring(10)));
                    }
                }
                List<String> names = names(ns);
                List<Object> results = new ArrayList<>();
                for (int i = (page - 1) * size; i < Math.min(names.size(), page * size); i++) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("name", names.get(i));
                    r.put("namespace", ns);
                    r.put("repository_type", "image");
                    r.put("is_private", true);
                    results.add(r);
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("count", names.size());
                body.put(
                        "next",
                        page * size < names.size()
                                ? baseUri() + path + "?page=" + (page + 1) + "&page_size=" + size
                                : null);
                body.put("previous", null);
                body.put("results", results);
                JsonAnswers.send(exchange, 200, body);
                return;
            }
            JsonAnswers.send(exchange, 404, Map.of("detail", "Not found."));
        }
    }

    /** The registry's repositories directly under {@code ns/}, without it. */
    private List<String> names(String ns) throws IOException {
        HttpResponse<byte[]> catalog;
        try {
            catalog = http.send(
                    HttpRequest.newBuilder(URI.create(registry + "/v2/_catalog?n=1000"))
                            .header(
                                    "Authorization",
                                    "Basic "
                                            + Base64.getEncoder()
                                                    .encodeToString(
                                                            (user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode name : json.readTree(catalog.body()).path("repositories")) {
            String n = name.asString();
            if (n.startsWith(ns + "/") && n.indexOf('/', ns.length() + 1) < 0) {
                names.add(n.substring(ns.length() + 1));
            }
        }
        return names;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
