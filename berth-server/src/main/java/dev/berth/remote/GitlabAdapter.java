package dev.berth.remote;

import dev.berth.outbound.OutboundClient;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GitLab's container registry ({@code gitlab}): the registry API with GitLab's Docker token service
 * (a user name and a personal access token), and repositories listed through GitLab's own API as
 * Harbor does, since GitLab's registry has no catalog for a token: the projects the token is a
 * member of ({@code GET /api/v4/projects?membership=true}), and for each with its registry
 * enabled, {@code GET /api/v4/projects/<id>/registry/repositories}, pages followed by {@code
 * X-Next-Page}. The token goes in {@code PRIVATE-TOKEN}. GitLab's API is where the registry's token
 * realm is (the scheme, host and port of the realm its {@code /v2/} challenge names, as Harbor
 * finds it), so a self-managed GitLab needs no second URL. Pushes need no preparation: GitLab
 * creates a repository on its first push into an existing project.
 */
final class GitlabAdapter extends DistributionAdapter {
    /** GitLab's page size Harbor asks for. */
    static final int PAGE = 50;
    /** A bound on pages, against a server that never stops paging. */
    private static final int MAX_PAGES = 2_000;

    GitlabAdapter(dev.berth.outbound.OutboundHttp outbound, JsonMapper json) {
        super("gitlab", Optional.empty(), UnaryOperator.identity(), outbound, json);
    }

    @Override
    public List<String> repositories(RemoteRegistry registry) {
        String token = registry.login()
                .map(Credential::accessSecret)
                .filter(s -> !s.isEmpty())
                .orElseThrow(() -> new RemoteException("GitLab lists repositories only with an access token"));
        OutboundClient http = apiClient(registry);
        URI api = apiBase(registry, http);
        List<String> names = new ArrayList<>();
        for (JsonNode project : pages(http, api.resolve("/api/v4/projects?membership=true&per_page=" + PAGE), token)) {
            if (!project.path("container_registry_enabled").asBoolean(false)) {
                continue;
            }
            long id = project.path("id").asLong();
            for (JsonNode repository : pages(
                    http, api.resolve("/api/v4/projects/" + id + "/registry/repositories?per_page=" + PAGE), token)) {
                String path = repository.path("path").asString("");
                if (!path.isEmpty()) {
                    names.add(path.toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /** Where GitLab's API is: the origin of the token realm the registry's {@code /v2/} names. */
    private URI apiBase(RemoteRegistry registry, OutboundClient http) {
        try (OutboundResponse response = http.send(OutboundRequest.get(URI.create(registry.url() + "/v2/")))) {
            String realm = response.header("WWW-Authenticate")
                    .flatMap(Challenge::parse)
                    .filter(c -> c.scheme().equalsIgnoreCase("bearer"))
                    .map(c -> c.params().getOrDefault("realm", ""))
                    .orElse("");
            if (realm.isEmpty()) {
                throw new RemoteException("the GitLab registry names no token realm, so its API cannot be found");
            }
            URI location = URI.create(realm);
            if (location.getScheme() == null || location.getRawAuthority() == null) {
                throw new RemoteException("the GitLab registry's token realm is not a URL");
            }
            return URI.create(location.getScheme() + "://" + location.getRawAuthority() + "/");
        } catch (IllegalArgumentException e) {
            throw new RemoteException("the GitLab registry's token realm is not a URL");
        } catch (IOException e) {
            throw new RemoteException("asking the GitLab registry for its token realm failed", e);
        }
    }

    /** Every element of a paged GitLab list. */
    private List<JsonNode> pages(OutboundClient http, URI first, String token) {
        List<JsonNode> all = new ArrayList<>();
        String page = "";
        for (int n = 0; n < MAX_PAGES; n++) {
            URI uri = page.isEmpty() ? first : URI.create(first + "&page=" + page);
            try (OutboundResponse response = http.send(OutboundRequest.get(uri).withHeader("PRIVATE-TOKEN", token))) {
                if (response.status() != 200) {
                    throw DistributionClient.failure("GET " + uri.getRawPath() + " of GitLab's API", response);
                }
                JsonNode body = json().readTree(response.body());
                if (!body.isArray()) {
                    throw new RemoteException("GitLab's API answered " + uri.getRawPath() + " without a list");
                }
                body.forEach(all::add);
                page = response.header("X-Next-Page").orElse("").trim();
                if (page.isEmpty()) {
                    return all;
                }
                if (!page.chars().allMatch(Character::isDigit)) {
                    throw new RemoteException("GitLab's API gave a page that is not a number");
                }
            } catch (IOException e) {
                throw new RemoteException("reading " + uri.getRawPath() + " from GitLab's API failed", e);
            }
        }
        throw new RemoteException("GitLab's API gave more than " + MAX_PAGES + " pages");
    }

    @Override
    public RegistryInfo info(RemoteRegistry registry) {
        return RegistryInfo.of(type(), List.of("image"), List.of(), false);
    }
}
