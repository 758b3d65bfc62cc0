package dev.berth.project;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.ProjectRole;
import dev.berth.iam.ProjectScope;
import dev.berth.iam.Resource;
import dev.berth.iam.RobotPermission;
import dev.berth.quota.StorageQuota;
import dev.berth.system.SystemSettings;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v2.0/projects}: Harbor's project API. */
@RestController
@RequestMapping("/api/v2.0/projects")
public class ProjectController {
    private final ProjectService projects;
    private final Authorizer authorizer;
    private final SystemSettings settings;
    private final AuditLog audit;
    private final ProjectGuard guard;
    private final ProjectListing listing;
    private final StorageQuota quota;
    private final CveAllowlists allowlists;
    private final java.util.List<ProxyUpstreams> proxyUpstreams;
    private final java.util.List<ProxyProjectDefaults> proxyDefaults;

    ProjectController(
            ProjectService projects,
            Authorizer authorizer,
            SystemSettings settings,
            AuditLog audit,
            ProjectGuard guard,
            ProjectListing listing,
            StorageQuota quota,
            CveAllowlists allowlists,
            java.util.List<ProxyUpstreams> proxyUpstreams,
            java.util.List<ProxyProjectDefaults> proxyDefaults) {
        this.proxyUpstreams = java.util.List.copyOf(proxyUpstreams);
        this.proxyDefaults = java.util.List.copyOf(proxyDefaults);
        this.allowlists = allowlists;
        this.quota = quota;
        this.listing = listing;
        this.projects = projects;
        this.authorizer = authorizer;
        this.settings = settings;
        this.audit = audit;
        this.guard = guard;
    }

    @PostMapping
    ResponseEntity<Void> create(
            HttpServletRequest request,
            @RequestBody Map<String, Object> body,
            @RequestHeader(name = "X-Resource-Name-In-Location", defaultValue = "false") boolean nameInLocation) {
        Principal caller = Callers.authenticated(request);
        boolean adminOnly = "adminonly".equals(settings.projectCreationRestriction());
        boolean mayCreate = caller instanceof Principal.Robot
                ? authorizer.allowedSystem(caller, Resource.PROJECT, Action.CREATE)
                : caller instanceof Principal.User && (!adminOnly || caller.isSysadmin());
        if (!mayCreate) {
            // Harbor's words, which scripts match on.
            throw ApiException.forbidden(
                    caller instanceof Principal.Robot
                            ? "Only system level robot can create project"
                            : "Only system admin can create project");
        }
        String name = body.get("project_name") instanceof String s ? s : null;
        ProjectService.validateName(name);
        long registryId = registryId(caller, body.get("registry_id"));
        Map<String, String> metadata = new LinkedHashMap<>();
        if (body.get("metadata") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> metadata.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        if (body.get("public") instanceof Boolean p && !metadata.containsKey("public")) {
            metadata.put("public", p.toString());
        }
        // Without a limit (or 0, as Harbor reads it) a project gets storage_per_project; only a
        // system administrator chooses another (-1: none).
        long limit = settings.storagePerProject();
        if (body.get("storage_limit") instanceof Number n && n.longValue() != 0) {
            if (!caller.isSysadmin()) {
                if (n.longValue() != -1) {
                    throw ApiException.forbidden("only system administrators may set a storage limit");
                }
            } else if (n.longValue() < -1) {
                throw ApiException.badRequest("storage_limit must be -1 or a number of bytes");
            } else {
                limit = n.longValue();
            }
        }
        long ownerId = caller instanceof Principal.User u ? u.id() : 0;
        Optional<CveAllowlists.Parsed> allowlist = CveAllowlists.parse(body.get("cve_allowlist"));
        Project created = projects.create(name, ownerId, metadata, limit, registryId);
        allowlist.ifPresent(a -> allowlists.setProject(created.id(), a.expiresAt(), a.items()));
        if (registryId > 0) {
            proxyDefaults.forEach(d -> d.created(created));
        }
        audit.record(caller.name(), created.id(), AuditLog.Operation.CREATE, "project", created.name());
        String location = "/api/v2.0/projects/" + (nameInLocation ? created.name() : String.valueOf(created.id()));
        return ResponseEntity.created(URI.create(location)).build();
    }

    /**
     * Harbor's {@code registry_id} of a creation: absent (or null) for a normal project; otherwise
     * only a system administrator may create the proxy cache, of an endpoint that can be one.
     */
    private long registryId(Principal caller, Object value) {
        if (value == null) {
            return 0;
        }
        if (!caller.isSysadmin()) {
            throw ApiException.forbidden("Only system admin can create proxy cache project");
        }
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() <= 0) {
            throw ApiException.badRequest(value + " is invalid value of registry_id, it should be greater than 0");
        }
        if (proxyUpstreams.isEmpty()) {
            throw ApiException.badRequest("proxy cache is not available");
        }
        proxyUpstreams.forEach(u -> u.requireProxyable(n.longValue()));
        return n.longValue();
    }

    /**
     * The projects the caller may see: all of them for system administrators (and robots granted
     * {@code project:list} at system level or every project), public ones plus their own for users and
     * robots, public ones for anonymous callers. {@code with_detail} is accepted; every entry is
     * complete either way.
     */
    @GetMapping
    ResponseEntity<List<Map<String, Object>>> list(
            HttpServletRequest request,
            ListQuery query,
            @RequestParam(name = "name", required = false) String name,
            @RequestParam(name = "public", required = false) Boolean isPublic,
            @RequestParam(name = "owner", required = false) String owner) {
        Principal caller = Callers.of(request);
        ProjectListing.Page page = listing.list(
                visibility(authorizer, caller),
                new ProjectListing.Filters(
                        Optional.ofNullable(name), Optional.ofNullable(isPublic), Optional.ofNullable(owner)),
                query,
                caller instanceof Principal.User u ? u.id() : 0,
                authorizer.groupIds(caller));
        Map<Long, CveAllowlist> lists = allowlists.ofProjects(
                page.projects().stream().map(l -> l.project().id()).toList());
        List<Map<String, Object>> body = page.projects().stream()
                .map(l -> view(
                        l.project(),
                        l.callerRole(),
                        caller.isSysadmin(),
                        l.repoCount(),
                        lists.get(l.project().id())))
                .toList();
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(body);
    }

    /** Which projects the caller may list; shared with {@link ProjectSearch}. */
    static ProjectListing.Visibility visibility(Authorizer authorizer, Principal caller) {
        if (authorizer.allowedSystem(caller, Resource.PROJECT, Action.LIST)) {
            return new ProjectListing.Visibility.All();
        }
        return switch (caller) {
            case Principal.User u -> new ProjectListing.Visibility.PublicOrMember(u.id(), authorizer.groupIds(u));
            case Principal.Robot r -> {
                Set<String> names = new HashSet<>();
                for (RobotPermission p : r.permissions()) {
                    if (p.kind().equals("project")) {
                        names.add(p.namespace());
                    }
                }
                yield names.contains("*")
                        ? new ProjectListing.Visibility.All()
                        : new ProjectListing.Visibility.PublicOrNamed(names);
            }
            case Principal.Anonymous a -> new ProjectListing.Visibility.PublicOnly();
            case Principal.TokenHolder t -> new ProjectListing.Visibility.PublicOnly();
        };
    }

    @RequestMapping(method = RequestMethod.HEAD)
    ResponseEntity<Void> exists(HttpServletRequest request, @RequestParam("project_name") String name) {
        Callers.authenticated(request);
        return projects.findByName(name).isPresent()
                ? ResponseEntity.ok().build()
                : ResponseEntity.notFound().build();
    }

    @GetMapping("/{projectNameOrId}")
    Map<String, Object> get(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Principal caller = Callers.of(request);
        Project project = readable(caller, projectNameOrId, isName);
        return view(caller, project);
    }

    @DeleteMapping("/{projectNameOrId}")
    ResponseEntity<Void> delete(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Principal caller = Callers.of(request);
        Project project = readable(caller, projectNameOrId, isName);
        require(caller, project, Resource.PROJECT, Action.DELETE);
        projects.delete(project);
        audit.record(caller.name(), project.id(), AuditLog.Operation.DELETE, "project", project.name());
        return ResponseEntity.ok().build();
    }

    @PutMapping("/{projectNameOrId}")
    ResponseEntity<Void> update(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestBody Map<String, Object> body) {
        Principal caller = Callers.of(request);
        Project project = readable(caller, projectNameOrId, isName);
        require(caller, project, Resource.PROJECT, Action.UPDATE);
        Object rawMetadata = body.get("metadata");
        if (rawMetadata != null && !(rawMetadata instanceof Map)) {
            throw ApiException.badRequest("metadata must be an object");
        }
        // Only metadata and the storage limit change here: name, owner, registry_id and the rest
        // of the body are not the client's to set (mass assignment).
        String retentionId = project.metadata().getOrDefault(ProjectMetadataRules.RETENTION_ID, "");
        Map<String, String> metadata = project.isProxyCache()
                ? ProjectMetadataRules.forProxyProject((Map<?, ?>) rawMetadata, retentionId)
                : ProjectMetadataRules.forProject((Map<?, ?>) rawMetadata, retentionId);
        if (body.get("public") instanceof Boolean p && !metadata.containsKey("public")) {
            metadata.put("public", p.toString());
        }
        Optional<Long> limit = storageLimit(caller, project, body.get("storage_limit"));
        Optional<CveAllowlists.Parsed> allowlist = CveAllowlists.parse(body.get("cve_allowlist"));
        projects.update(project, metadata, limit);
        allowlist.ifPresent(a -> allowlists.setProject(project.id(), a.expiresAt(), a.items()));
        List<String> changed = new ArrayList<>();
        new TreeMap<>(metadata).forEach((key, value) -> {
            String before = project.metadata().get(key);
            if (!value.equals(before)) {
                changed.add(before == null ? AuditLog.set(key, value) : AuditLog.change(key, before, value));
            }
        });
        limit.ifPresent(l -> changed.add(AuditLog.change("storage_limit", project.storageLimit(), l)));
        allowlist.ifPresent(
                a -> changed.add(AuditLog.set("cve_allowlist", a.items().size() + " items")));
        audit.record(
                caller.name(),
                project.id(),
                AuditLog.Operation.UPDATE,
                "project",
                project.name(),
                AuditLog.changes(changed));
        return ResponseEntity.ok().build();
    }

    /** A new storage limit, if the body asks for a different one; only system administrators may. */
    private static Optional<Long> storageLimit(Principal caller, Project project, Object raw) {
        if (raw == null) {
            return Optional.empty();
        }
        if (!(raw instanceof Integer || raw instanceof Long)) {
            throw ApiException.badRequest("storage_limit must be -1 or a number of bytes");
        }
        long limit = ((Number) raw).longValue();
        if (limit == project.storageLimit()) {
            return Optional.empty();
        }
        if (!caller.isSysadmin()) {
            throw ApiException.forbidden("only system administrators may change the storage limit");
        }
        if (limit < -1) {
            throw ApiException.badRequest("storage_limit must be -1 or a number of bytes");
        }
        return Optional.of(limit);
    }

    @GetMapping("/{projectNameOrId}/summary")
    Map<String, Object> summary(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Principal caller = Callers.of(request);
        Project project = readable(caller, projectNameOrId, isName);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("repo_count", projects.repositoryCount(project.id()));
        // As in Harbor, each part appears only to callers allowed to see it.
        if (authorizer.allowed(caller, scope(project), Resource.MEMBER, Action.LIST)) {
            Map<Integer, Long> counts = projects.memberCountsByRole(project.id());
            summary.put("project_admin_count", counts.getOrDefault(ProjectRole.PROJECT_ADMIN.id(), 0L));
            summary.put("maintainer_count", counts.getOrDefault(ProjectRole.MAINTAINER.id(), 0L));
            summary.put("developer_count", counts.getOrDefault(ProjectRole.DEVELOPER.id(), 0L));
            summary.put("guest_count", counts.getOrDefault(ProjectRole.GUEST.id(), 0L));
            summary.put("limited_guest_count", counts.getOrDefault(ProjectRole.LIMITED_GUEST.id(), 0L));
        }
        if (authorizer.allowed(caller, scope(project), Resource.QUOTA, Action.READ)) {
            summary.put(
                    "quota",
                    Map.of(
                            "hard",
                            Map.of("storage", project.storageLimit()),
                            "used",
                            Map.of("storage", quota.used(project.id()))));
        }
        return summary;
    }

    @GetMapping("/{projectNameOrId}/_deletable")
    Map<String, Object> deletable(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Principal caller = Callers.of(request);
        Project project = readable(caller, projectNameOrId, isName);
        require(caller, project, Resource.PROJECT, Action.DELETE);
        Map<String, Object> result = new LinkedHashMap<>();
        if (projects.repositoryCount(project.id()) > 0) {
            result.put("deletable", false);
            result.put("message", "the project contains repositories, can not be deleted");
        } else {
            result.put("deletable", true);
        }
        return result;
    }

    /** See {@link ProjectGuard#readable}. */
    Project readable(Principal caller, String nameOrId, boolean isName) {
        return guard.readable(caller, nameOrId, isName);
    }

    void require(Principal caller, Project project, Resource resource, Action action) {
        guard.require(caller, project, resource, action);
    }

    static ProjectScope scope(Project p) {
        return ProjectGuard.scope(p);
    }

    Map<String, Object> view(Principal caller, Project p) {
        return view(
                p,
                authorizer.roleOf(caller, scope(p)),
                caller.isSysadmin(),
                projects.repositoryCount(p.id()),
                allowlists.ofProject(p.id()));
    }

    /** Harbor's Project JSON; {@code role} is the caller's role in it, for the UI fields. */
    static Map<String, Object> view(
            Project p, Optional<ProjectRole> role, boolean sysadmin, long repoCount, CveAllowlist allowlist) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("project_id", p.id());
        v.put("owner_id", p.ownerId());
        v.put("name", p.name());
        v.put("owner_name", p.ownerName());
        v.put("creation_time", p.creationTime().toString());
        v.put("update_time", p.updateTime().toString());
        v.put("deleted", false);
        v.put("registry_id", p.registryId());
        v.put("repo_count", repoCount);
        v.put("current_user_role_id", role.map(ProjectRole::id).orElse(0));
        v.put("current_user_role_ids", role.map(r -> List.of(r.id())).orElse(List.of()));
        v.put(
                "togglable",
                sysadmin || role.filter(r -> r == ProjectRole.PROJECT_ADMIN).isPresent());
        v.put("metadata", p.metadata());
        v.put("cve_allowlist", CveAllowlists.view(allowlist));
        return v;
    }

    static String time(Instant i) {
        return i.toString();
    }
}
