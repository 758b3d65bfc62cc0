package dev.berth.remote;

import dev.berth.outbound.OutboundClient;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.RequestBody;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JFrog Artifactory ({@code jfrog-artifactory}), as Harbor's adapter uses it: the registry API at the
 * endpoint's URL (repository-path access, {@code /v2/<repository key>/<image>}) with the user and
 * password or token as Basic, and Artifactory's REST API beside it with the same login:
 *
 * <ul>
 *   <li>the docker repositories ({@code GET /artifactory/api/repositories?packageType=docker}) are
 *       the namespaces; a pull lists each one's images through {@code
 *       /artifactory/api/docker/<key>/v2/_catalog}, named {@code <key>/<image>} (a name filter that
 *       names repositories outright reads those without listing, as Harbor does);
 *   <li>before a push, a namespace that is not a docker repository is created as a local one
 *       ({@code PUT /artifactory/api/repositories/<key>}, {@code rclass} local, layout {@code
 *       simple-default}), as Harbor's {@code PrepareForPush} does.
 * </ul>
 *
 * <p>{@code berth.replication.jfrog-artifactory.endpoint} sends the REST calls elsewhere (a
 * stand-in in tests); the registry API stays at the endpoint's URL.
 */
final class JfrogAdapter extends DistributionAdapter {
    private final Optional<URI> apiOverride;

    JfrogAdapter(OutboundHttp outbound, JsonMapper json, Optional<URI> apiOverride) {
        super("jfrog-artifactory", Optional.empty(), UnaryOperator.identity(), outbound, json);
        this.apiOverride = apiOverride;
    }

    private String api(RemoteRegistry registry) {
        String base = apiOverride.orElse(registry.uri()).toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static Optional<String> basic(RemoteRegistry registry) {
        return registry.login()
                .filter(Credential::isPresent)
                .map(c -> "Basic "
                        + java.util.Base64.getEncoder()
                                .encodeToString(
                                        (c.accessKey() + ":" + c.accessSecret()).getBytes(StandardCharsets.UTF_8)));
    }

    private static OutboundRequest authorized(OutboundRequest request, RemoteRegistry registry) {
        Optional<String> authorization = basic(registry);
        return authorization.isPresent() ? request.withHeader("Authorization", authorization.get()) : request;
    }

    /** The keys of Artifactory's docker repositories. */
    Set<String> dockerRepositories(RemoteRegistry registry, OutboundClient http) {
        URI uri = URI.create(api(registry) + "/artifactory/api/repositories?packageType=docker");
        try (OutboundResponse response = http.send(authorized(OutboundRequest.get(uri), registry))) {
            if (response.status() != 200) {
                throw DistributionClient.failure("listing Artifactory's docker repositories", response);
            }
            JsonNode body = json().readTree(response.body());
            if (!body.isArray()) {
                throw new RemoteException("Artifactory's repository list is not a list");
            }
            Set<String> keys = new LinkedHashSet<>();
            for (JsonNode repository : body) {
                String key = repository.path("key").asString("");
                if (!key.isEmpty()) {
                    keys.add(key);
                }
            }
            return keys;
        } catch (IOException e) {
            throw new RemoteException("listing Artifactory's docker repositories failed", e);
        }
    }

    @Override
    public List<String> repositories(RemoteRegistry registry) {
        OutboundClient http = apiClient(registry);
        List<String> names = new ArrayList<>();
        for (String key : dockerRepositories(registry, http)) {
            if (!key.matches("[A-Za-z0-9._-]+")) {
                continue; // not a name a path can carry
            }
            DistributionClient catalog = new DistributionClient(
                    http, URI.create(api(registry) + "/artifactory/api/docker/" + key), registry.login(), json());
            for (String image : catalog.catalog()) {
                names.add(key + "/" + image);
            }
        }
        return names;
    }

    @Override
    public List<String> repositories(RemoteRegistry registry, List<String> namePatterns) {
        if (!namePatterns.isEmpty()) {
            Optional<List<String>> named = SpecificPaths.of(namePatterns.getFirst());
            if (named.isPresent()) {
                return named.get();
            }
        }
        return repositories(registry);
    }

    @Override
    public void prepareForPush(RemoteRegistry registry, String repository) {
        int slash = repository.indexOf('/');
        if (slash <= 0) {
            throw new RemoteException(
                    "Artifactory needs a namespace (the docker repository's key) in the name " + repository);
        }
        String key = repository.substring(0, slash);
        OutboundClient http = apiClient(registry);
        if (dockerRepositories(registry, http).contains(key)) {
            return;
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("key", key);
        body.put("rclass", "local");
        body.put("packageType", "docker");
        body.put("repoLayoutRef", "simple-default");
        OutboundRequest create = authorized(
                OutboundRequest.put(
                        URI.create(api(registry) + "/artifactory/api/repositories/" + key),
                        RequestBody.of(
                                "application/json",
                                json().writeValueAsString(body).getBytes(StandardCharsets.UTF_8))),
                registry);
        try (OutboundResponse response = http.send(create)) {
            if (response.status() / 100 != 2
                    // another task of the run may have made it meanwhile (Artifactory answers 400)
                    && !dockerRepositories(registry, http).contains(key)) {
                throw DistributionClient.failure("creating the Artifactory repository " + key, response);
            }
        } catch (IOException e) {
            throw new RemoteException("creating the Artifactory repository " + key + " failed", e);
        }
    }

    @Override
    public RegistryInfo info(RemoteRegistry registry) {
        return RegistryInfo.of(type(), List.of("image"), List.of(), false);
    }
}
