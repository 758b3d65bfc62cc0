package dev.berth.proxy;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import dev.berth.remote.RemoteRegistries;
import dev.berth.remote.RemoteRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Berth's extension under {@code /api/v2.0} (Harbor shows no cache status): a proxy-cache
 * project's upstream as this replica sees it (the rate-limit figures the upstream last sent, until
 * when its {@code Retry-After} holds calls back) and what the cache knows of each cached tag (the
 * upstream's digest, when it was last revalidated, whether the last attempt failed so the cached
 * copy was served stale). Members of the project read it (Harbor's project {@code configuration}
 * read: every role); a project the caller cannot see is a 404 (401 anonymous), a project that is
 * no proxy cache a 404.
 */
@RestController
class ProxyCacheStatusController {
    private final ProjectGuard guard;
    private final RemoteRegistries registries;
    private final ProxyProjects projects;
    private final TagStates tags;
    private final ProxyCacheSettings settings;

    ProxyCacheStatusController(
            ProjectGuard guard,
            RemoteRegistries registries,
            ProxyProjects projects,
            TagStates tags,
            ProxyCacheSettings settings) {
        this.guard = guard;
        this.registries = registries;
        this.projects = projects;
        this.tags = tags;
        this.settings = settings;
    }

    /**
     * @param remaining Docker Hub's {@code ratelimit-remaining} as last sent (e.g. {@code 97;w=21600}), or null
     * @param limit Docker Hub's {@code ratelimit-limit} as last sent, or null
     * @param seen_at when the upstream last sent them, or null
     */
    record RateLimitView(String remaining, String limit, Instant seen_at) {}

    record StatusView(
            long registry_id,
            String registry_name,
            String registry_type,
            String registry_url,
            long revalidate_after_seconds,
            Instant upstream_held_until,
            RateLimitView rate_limit,
            long cached_tags,
            long stale_tags) {}

    record TagView(
            String repository_name, String tag, String upstream_digest, Instant last_revalidation, boolean stale) {}

    @GetMapping("/api/v2.0/projects/{projectNameOrId}/proxy-cache")
    StatusView status(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = proxyProject(request, projectNameOrId, isName);
        RemoteRegistry registry = registries
                .find(project.registryId())
                .orElseThrow(() -> ApiException.notFound("the project's registry endpoint is gone"));
        UpstreamHealth health = projects.health(registry.id());
        Instant held = health.notBefore();
        UpstreamHealth.RateLimit rate = health.rateLimit();
        TagStates.Counts counts = tags.count(project.name());
        return new StatusView(
                registry.id(),
                registry.name(),
                registry.type(),
                registry.url(),
                settings.revalidateAfter().toSeconds(),
                held.isAfter(health.now()) ? held : null,
                rate.seenAt().isEmpty()
                        ? null
                        : new RateLimitView(
                                blankToNull(rate.remaining()),
                                blankToNull(rate.limit()),
                                rate.seenAt().get()),
                counts.total(),
                counts.stale());
    }

    @GetMapping("/api/v2.0/projects/{projectNameOrId}/proxy-cache/tags")
    ResponseEntity<List<TagView>> tags(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            ListQuery query) {
        if (!query.terms().isEmpty() || !query.sorts().isEmpty()) {
            throw ApiException.badRequest("q and sort are not supported here");
        }
        Project project = proxyProject(request, projectNameOrId, isName);
        TagStates.Counts counts = tags.count(project.name());
        List<TagView> page = tags.ofProject(project.name(), query.offset(), query.pageSize()).stream()
                .map(s ->
                        new TagView(s.repository(), s.tag(), s.upstreamDigest().toString(), s.checkedAt(), s.stale()))
                .toList();
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, counts.total()))
                .body(page);
    }

    private Project proxyProject(HttpServletRequest request, String nameOrId, boolean isName) {
        Principal caller = Callers.of(request);
        Project project = guard.readable(caller, nameOrId, isName);
        guard.require(caller, project, Resource.CONFIGURATION, Action.READ);
        if (!project.isProxyCache()) {
            throw ApiException.notFound("project " + project.name() + " is not a proxy cache");
        }
        return project;
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
