package dev.berth.proxy;

import dev.berth.api.ApiException;
import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import dev.berth.project.ProxyUpstreams;
import dev.berth.registry.PullPolicy;
import dev.berth.registry.RegistryContent;
import dev.berth.remote.DistributionClient;
import dev.berth.remote.RegistryAdapter;
import dev.berth.remote.RegistryAdapters;
import dev.berth.remote.RegistryUsage;
import dev.berth.remote.RemoteRegistries;
import dev.berth.remote.RemoteRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Which repositories are proxied, and to where: a repository {@code project/path} of a project with
 * a registry endpoint is {@code path} upstream (Docker Hub's {@code library/} added to a single
 * name). Also the rules for choosing an endpoint at project creation, and for keeping an endpoint
 * that projects use.
 */
@Component
class ProxyProjects implements ProxyUpstreams, RegistryUsage {
    /** Harbor's permitted upstream types for a proxy cache (its portal offers these). */
    static final Set<String> PROXYABLE = Set.of(
            "docker-hub",
            "harbor",
            "azure-acr",
            "ali-acr",
            "aws-ecr",
            "google-gcr",
            "quay",
            "docker-registry",
            "github-ghcr",
            "jfrog-artifactory");

    private final ProjectService projects;
    private final RemoteRegistries registries;
    private final RegistryAdapters adapters;
    private final ProxyCacheSettings settings;
    private final RegistryContent content;
    private final Clock clock;
    private final ConcurrentHashMap<Long, Client> clients = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, UpstreamHealth> health = new ConcurrentHashMap<>();

    ProxyProjects(
            ProjectService projects,
            RemoteRegistries registries,
            RegistryAdapters adapters,
            ProxyCacheSettings settings,
            RegistryContent content,
            Clock clock) {
        this.content = content;
        this.projects = projects;
        this.registries = registries;
        this.adapters = adapters;
        this.settings = settings;
        this.clock = clock;
    }

    /** A proxied repository: its project, the upstream and the repository's name there. */
    record Target(Project project, RemoteRegistry registry, String upstreamRepository, Upstream upstream) {
        /** {@code proxy_speed_kb}: the project's cap on upstream bandwidth, KiB/s; 0 or less for none. */
        long speedKb() {
            try {
                return Long.parseLong(project.metadata().getOrDefault("proxy_speed_kb", "-1"));
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /** Harbor's {@code max_upstream_conn}: concurrent blob transfers from the upstream; 0 or less for no limit. */
        int maxUpstreamConnections() {
            try {
                return Integer.parseInt(project.metadata()
                        .getOrDefault("max_upstream_conn", "-1")
                        .trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        boolean localOnNotFound() {
            return "true".equals(project.metadata().get("proxy_cache_local_on_not_found"));
        }
    }

    /** The proxy project a repository belongs to, if it belongs to one. */
    Optional<Project> proxyProject(String repository) {
        return projects.findByNameCached(PullPolicy.projectOf(repository)).filter(Project::isProxyCache);
    }

    /** Where a repository of a proxy project comes from; empty for any other repository. */
    Optional<Target> target(String repository) {
        return proxyProject(repository)
                .flatMap(p -> registries.find(p.registryId()).map(r -> {
                    String path = repository.substring(p.name().length() + 1);
                    String upstreamName =
                            r.type().equals("docker-hub") && !path.contains("/") ? "library/" + path : path;
                    return new Target(p, r, upstreamName, new Upstream(client(r), health(r.id())));
                }));
    }

    UpstreamHealth health(long registryId) {
        return health.computeIfAbsent(registryId, id -> new UpstreamHealth(id, clock));
    }

    /**
     * The repository a pull names in mirror mode. Local content wins: a repository that exists, or
     * any repository of a proxy project, is itself; any other name ({@code library/nginx} with no
     * such project, or with a {@code library} project that has no {@code nginx}) is the mirror
     * project's {@code mirror/name}.
     */
    String mirrored(String repository) {
        String mirror = settings.mirrorProject();
        if (mirror.isEmpty() || repository.startsWith(mirror + "/")) {
            return repository;
        }
        Optional<Project> project = projects.findByNameCached(PullPolicy.projectOf(repository));
        if (project.isPresent() && (project.get().isProxyCache() || content.hasRepository(repository))) {
            return repository;
        }
        return mirror + "/" + repository;
    }

    /** One content client per endpoint, made again when the endpoint is edited (its login may have changed). */
    private DistributionClient client(RemoteRegistry registry) {
        Client c = clients.compute(
                registry.id(),
                (id, known) -> known != null && known.updated().equals(registry.updateTime())
                        ? known
                        : new Client(
                                registry.updateTime(),
                                adapters.of(registry)
                                        .contentClient(
                                                new RegistryAdapter.Limits(
                                                        settings.connectTimeout(), settings.readTimeout()),
                                                registry)));
        return c.client();
    }

    private record Client(Instant updated, DistributionClient client) {}

    @Override
    public void requireProxyable(long registryId) {
        RemoteRegistry registry = registries
                .find(registryId)
                .orElseThrow(() -> ApiException.badRequest("registry " + registryId + " not found"));
        Optional<RegistryAdapter> adapter = adapters.of(registry.type());
        if (!PROXYABLE.contains(registry.type())
                || adapter.isEmpty()
                || !adapter.get().available()) {
            throw ApiException.badRequest("unsupported registry type " + registry.type());
        }
    }

    @Override
    public Optional<String> blocksDeletion(long registryId) {
        var names = projects.proxyProjectsOf(registryId);
        return names.isEmpty()
                ? Optional.empty()
                : Optional.of("used by proxy-cache projects: " + String.join(", ", names));
    }
}
