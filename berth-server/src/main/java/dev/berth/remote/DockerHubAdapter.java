package dev.berth.remote;

import dev.berth.outbound.OutboundClient;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.RequestBody;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Docker Hub ({@code docker-hub}): the registry API at {@code registry-1.docker.io} with the
 * account's user name and password or access token, and Docker Hub's own API at {@code
 * hub.docker.com} where Harbor uses it, since the registry has no catalog:
 *
 * <ul>
 *   <li>login: {@code POST /v2/auth/token} with {@code {"identifier", "secret"}} gives a bearer
 *       {@code access_token} for the calls below (asked for once per listing or push preparation,
 *       never stored or logged);
 *   <li>a pull lists the namespaces ({@code GET /v2/repositories/namespaces}) — or takes the ones
 *       the name filter's first component names outright — and each one's repositories, {@code GET
 *       /v2/repositories/<ns>/?page=&page_size=100}, following {@code next};
 *   <li>before a push, a namespace that is not there ({@code GET /v2/orgs/<ns>/} answers 404) is
 *       created as an organization ({@code POST /v2/orgs/}), as Harbor's {@code PrepareForPush}
 *       does; the account's own namespace is never created.
 * </ul>
 *
 * <p>{@code berth.replication.docker-hub.endpoint} sends the API calls elsewhere (a stand-in in
 * tests); the registry stays where the endpoint's URL says.
 */
final class DockerHubAdapter extends DistributionAdapter {
    static final URI HUB_API = URI.create("https://hub.docker.com");
    static final int PAGE = 100;
    private static final int MAX_PAGES = 1_000;

    private final Optional<URI> apiOverride;

    DockerHubAdapter(
            Optional<AdapterPattern> pattern,
            UnaryOperator<URI> registryBase,
            OutboundHttp outbound,
            JsonMapper json,
            Optional<URI> apiOverride) {
        super("docker-hub", pattern, registryBase, outbound, json);
        this.apiOverride = apiOverride;
    }

    private String api() {
        String base = apiOverride.orElse(HUB_API).toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static Credential credential(RemoteRegistry registry) {
        return registry.login()
                .filter(c -> !c.accessKey().isEmpty() && !c.accessSecret().isEmpty())
                .orElseThrow(() ->
                        new RemoteException("Docker Hub's API needs the account's user name and password or token"));
    }

    /** A bearer token of Docker Hub's API for the endpoint's account. */
    private String login(RemoteRegistry registry, OutboundClient http) {
        Credential c = credential(registry);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("identifier", c.accessKey());
        body.put("secret", c.accessSecret());
        OutboundRequest request = OutboundRequest.post(
                URI.create(api() + "/v2/auth/token"),
                RequestBody.of(
                        "application/json", json().writeValueAsString(body).getBytes(StandardCharsets.UTF_8)));
        try (OutboundResponse response = http.send(request)) {
            if (response.status() / 100 != 2) {
                throw DistributionClient.failure("logging in to Docker Hub's API", response);
            }
            String token = json().readTree(response.body()).path("access_token").asString("");
            if (token.isEmpty()) {
                throw new RemoteException("Docker Hub's login answered no access token");
            }
            return "Bearer " + token;
        } catch (IOException e) {
            throw new RemoteException("logging in to Docker Hub's API failed", e);
        }
    }

    private JsonNode get(OutboundClient http, String bearer, String pathAndQuery, String what) {
        try (OutboundResponse response =
                http.send(OutboundRequest.get(URI.create(api() + pathAndQuery)).withHeader("Authorization", bearer))) {
            if (response.status() != 200) {
                throw DistributionClient.failure(what, response);
            }
            return json().readTree(response.body());
        } catch (IOException e) {
            throw new RemoteException(what + " failed", e);
        }
    }

    @Override
    public List<String> repositories(RemoteRegistry registry) {
        return repositories(registry, List.of());
    }

    @Override
    public List<String> repositories(RemoteRegistry registry, List<String> namePatterns) {
        OutboundClient http = apiClient(registry);
        String bearer = login(registry, http);
        List<String> namespaces = namePatterns.isEmpty()
                ? List.of()
                : SpecificPaths.component(namePatterns.getFirst().split("/", 2)[0])
                        .orElse(List.of());
        if (namespaces.isEmpty()) {
            namespaces = new ArrayList<>();
            for (JsonNode ns : get(http, bearer, "/v2/repositories/namespaces", "listing Docker Hub's namespaces")
                    .path("namespaces")) {
                namespaces.add(ns.asString());
            }
        }
        List<String> names = new ArrayList<>();
        for (String ns : namespaces) {
            String path = "/v2/repositories/" + URLEncoder.encode(ns, StandardCharsets.UTF_8) + "/";
            for (int page = 1; page <= MAX_PAGES; page++) {
                JsonNode body = get(
                        http,
                        bearer,
                        path + "?page=" + page + "&page_size=" + PAGE,
                        "listing the Docker Hub repositories of " + ns);
                for (JsonNode repo : body.path("results")) {
                    String name = repo.path("name").asString("");
                    if (!name.isEmpty()) {
                        names.add(repo.path("namespace").asString(ns) + "/" + name);
                    }
                }
                String next = body.path("next").asString("");
                if (next.isEmpty() || next.equals("null")) {
                    break;
                }
            }
        }
        return names;
    }

    @Override
    public void prepareForPush(RemoteRegistry registry, String repository) {
        String ns = repository.split("/", 2)[0];
        if (ns.equalsIgnoreCase(credential(registry).accessKey())) {
            return; // the account's own namespace is always there
        }
        OutboundClient http = apiClient(registry);
        String bearer = login(registry, http);
        if (namespaceExists(http, bearer, ns)) {
            return;
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("orgname", ns);
        body.put("full_name", ns);
        body.put("company", ns);
        OutboundRequest create = OutboundRequest.post(
                        URI.create(api() + "/v2/orgs/"),
                        RequestBody.of(
                                "application/json",
                                json().writeValueAsString(body).getBytes(StandardCharsets.UTF_8)))
                .withHeader("Authorization", bearer);
        try (OutboundResponse response = http.send(create)) {
            if (response.status() / 100 != 2
                    // another task of the run may have made it meanwhile
                    && !namespaceExists(http, bearer, ns)) {
                throw DistributionClient.failure("creating the Docker Hub namespace " + ns, response);
            }
        } catch (IOException e) {
            throw new RemoteException("creating the Docker Hub namespace " + ns + " failed", e);
        }
    }

    private boolean namespaceExists(OutboundClient http, String bearer, String ns) {
        URI org = URI.create(api() + "/v2/orgs/" + URLEncoder.encode(ns, StandardCharsets.UTF_8) + "/");
        try (OutboundResponse response = http.send(OutboundRequest.get(org).withHeader("Authorization", bearer))) {
            if (response.status() / 100 == 2) {
                return true;
            }
            if (response.status() != 404) {
                throw DistributionClient.failure("checking the Docker Hub namespace " + ns, response);
            }
            return false;
        } catch (IOException e) {
            throw new RemoteException("checking the Docker Hub namespace " + ns + " failed", e);
        }
    }

    @Override
    public RegistryInfo info(RemoteRegistry registry) {
        return RegistryInfo.of(type(), List.of("image"), List.of(), false);
    }
}
