package dev.berth.support;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitLab's REST API as far as Harbor's GitLab adapter reads it, in the shapes GitLab documents:
 * {@code GET /api/v4/projects?membership=true} (objects with {@code id}, {@code name}, {@code
 * path_with_namespace}, {@code container_registry_enabled}) and {@code GET
 * /api/v4/projects/:id/registry/repositories} (objects with {@code id}, {@code name}, {@code path},
 * {@code location}), the token in {@code PRIVATE-TOKEN} (401 otherwise), one element per page with
 * {@code X-Next-Page} so that paging is exercised. Served beside a {@link DockerTokenService}, as
 * gitlab.com serves its API beside {@code /jwt/auth}. Every request's path and query is recorded.
 */
public final class GitlabApiStandIn {
    private static final Pattern REPOSITORIES = Pattern.compile("/api/v4/projects/(\\d+)/registry/repositories");

    /** A project, its registry switch and the repository paths its registry holds. */
    public record Project(long id, String path, boolean registryEnabled, List<String> repositories) {}

    private final String token;
    private final List<Project> projects = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile boolean refuseEveryToken;

    private GitlabApiStandIn(String token) {
        this.token = token;
    }

    /** Serves GitLab's API at {@code /api/v4/} of the token service's host. */
    public static GitlabApiStandIn on(DockerTokenService host, String token) {
        GitlabApiStandIn api = new GitlabApiStandIn(token);
        host.serve("/api/v4/", api::handle);
        return api;
    }

    public void add(Project project) {
        projects.add(project);
    }

    /** Whether every request gets a 401, as for a token revoked for the API. */
    public void refuseEveryToken(boolean refuse) {
        refuseEveryToken = refuse;
    }

    /** "path?query" of every request so far. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery() == null
                    ? ""
                    : exchange.getRequestURI().getRawQuery();
            requests.add(path + "?" + query);
            if (refuseEveryToken || !token.equals(exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN"))) {
                send(exchange, 401, Map.of("message", "401 Unauthorized"), null);
                return;
            }
            int page = 1;
            for (String p : query.split("&")) {
                if (p.startsWith("page=")) {
                    page = Integer.parseInt(p.substring(5));
                }
            }
            List<Object> items = new ArrayList<>();
            if (path.equals("/api/v4/projects")) {
                for (Project p : projects) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("id", p.id());
                    o.put("name", p.path().substring(p.path().lastIndexOf('/') + 1));
                    o.put("path_with_namespace", p.path());
                    o.put("visibility", "private");
                    o.put("container_registry_enabled", p.registryEnabled());
                    items.add(o);
                }
            } else {
                Matcher m = REPOSITORIES.matcher(path);
                if (!m.matches()) {
                    send(exchange, 404, Map.of("message", "404 Not Found"), null);
                    return;
                }
                long id = Long.parseLong(m.group(1));
                Project project =
                        projects.stream().filter(p -> p.id() == id).findFirst().orElse(null);
                if (project == null) {
                    send(exchange, 404, Map.of("message", "404 Project Not Found"), null);
                    return;
                }
                long n = 1;
                for (String r : project.repositories()) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("id", id * 100 + n++);
                    o.put("name", r.substring(r.lastIndexOf('/') + 1));
                    o.put("path", r);
                    o.put("project_id", id);
                    o.put("location", "registry.example/" + r);
                    items.add(o);
                }
            }
            List<Object> slice = page - 1 < items.size() ? List.of(items.get(page - 1)) : List.of();
            send(exchange, 200, slice, page < items.size() ? String.valueOf(page + 1) : "");
        }
    }

    private static void send(HttpExchange exchange, int status, Object body, String nextPage) throws IOException {
        if (nextPage != null) {
            exchange.getResponseHeaders().add("X-Next-Page", nextPage);
        }
        JsonAnswers.send(exchange, status, body);
    }
}
