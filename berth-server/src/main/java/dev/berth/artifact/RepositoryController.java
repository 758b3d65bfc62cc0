package dev.berth.artifact;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.iam.RobotPermission;
import dev.berth.project.Project;
import dev.berth.project.ProjectService;
import dev.berth.registry.ManifestService;
import dev.berth.registry.RegistryException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Harbor's repository API: {@code /api/v2.0/repositories} and {@code /projects/{p}/repositories/…}. */
@RestController
class RepositoryController {
    private static final String REPO = "/api/v2.0/projects/{projectName}/repositories/{repositoryName}";

    private final ArtifactAccess access;
    private final RepositoryListing listing;
    private final ManifestService manifests;
    private final Authorizer authorizer;
    private final ProjectService projects;
    private final AuditLog audit;

    RepositoryController(
            ArtifactAccess access,
            RepositoryListing listing,
            ManifestService manifests,
            Authorizer authorizer,
            ProjectService projects,
            AuditLog audit) {
        this.access = access;
        this.listing = listing;
        this.manifests = manifests;
        this.authorizer = authorizer;
        this.projects = projects;
        this.audit = audit;
    }

    /** Every repository the caller may list: all for administrators, else those of public projects and their own. */
    @GetMapping("/api/v2.0/repositories")
    ResponseEntity<List<Map<String, Object>>> listAll(HttpServletRequest request, ListQuery query) {
        Principal caller = Callers.of(request);
        return page(request, query, listing.list(scope(caller, authorizer, listing, projects), query));
    }

    @GetMapping("/api/v2.0/projects/{projectName}/repositories")
    ResponseEntity<List<Map<String, Object>>> list(
            HttpServletRequest request, @PathVariable String projectName, ListQuery query) {
        Principal caller = Callers.of(request);
        Project project = access.project(caller, projectName, Resource.REPOSITORY, Action.LIST);
        return page(request, query, listing.list(new RepositoryListing.Scope.Project(project.id()), query));
    }

    /**
     * One repository. Harbor checks repository <em>list</em> here, not read: public projects grant
     * list to everyone (anonymous callers included), so their repositories can be read one by one
     * as well as listed.
     */
    @GetMapping(REPO)
    Map<String, Object> get(
            HttpServletRequest request, @PathVariable String projectName, @PathVariable String repositoryName) {
        Principal caller = Callers.of(request);
        return view(access.repository(caller, projectName, repositoryName, Resource.REPOSITORY, Action.LIST)
                .row());
    }

    /** Only the description may change (Harbor's RepositoryUpdate); every other field is ignored. */
    @PutMapping(REPO)
    ResponseEntity<Void> update(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @RequestBody Map<String, Object> body) {
        Principal caller = Callers.of(request);
        RepositoryTarget repo =
                access.repository(caller, projectName, repositoryName, Resource.REPOSITORY, Action.UPDATE);
        Object description = body.get("description");
        if (description != null && !(description instanceof String)) {
            throw ApiException.badRequest("description must be a string");
        }
        String text = description == null ? "" : (String) description;
        if (text.length() > 4096) {
            throw ApiException.badRequest("description is longer than 4096 characters");
        }
        listing.describe(repo.id(), text);
        audit.record(caller.name(), repo.project().id(), AuditLog.Operation.UPDATE, "repository", repo.fullName());
        return ResponseEntity.ok().build();
    }

    /** Deletes the repository with all its artifacts and tags. */
    @DeleteMapping(REPO)
    ResponseEntity<Void> delete(
            HttpServletRequest request, @PathVariable String projectName, @PathVariable String repositoryName) {
        Principal caller = Callers.of(request);
        RepositoryTarget repo =
                access.repository(caller, projectName, repositoryName, Resource.REPOSITORY, Action.DELETE);
        try {
            if (!manifests.deleteRepository(repo.fullName())) {
                throw ApiException.notFound("repository " + repo.fullName() + " not found");
            }
        } catch (RegistryException e) {
            throw ArtifactAccess.translate(e);
        }
        audit.record(caller.name(), repo.project().id(), AuditLog.Operation.DELETE, "repository", repo.fullName());
        return ResponseEntity.ok().build();
    }

    /** Which repositories the caller may list; shared with {@link RepositorySearch}. */
    static RepositoryListing.Scope scope(
            Principal caller, Authorizer authorizer, RepositoryListing listing, ProjectService projects) {
        if (authorizer.allowedSystem(caller, Resource.PROJECT, Action.LIST)) {
            return new RepositoryListing.Scope.All();
        }
        Set<Long> ids = new HashSet<>();
        switch (caller) {
            case Principal.User u -> ids.addAll(listing.memberProjects(u.id(), authorizer.groupIds(u)));
            case Principal.Robot r -> {
                for (RobotPermission p : r.permissions()) {
                    if (p.kind().equals("project")
                            && p.resource() == Resource.REPOSITORY
                            && p.action() == Action.LIST) {
                        if (p.namespace().equals("*")) {
                            return new RepositoryListing.Scope.All();
                        }
                        projects.findByName(p.namespace()).ifPresent(project -> ids.add(project.id()));
                    }
                }
                if (r.projectId() != 0) {
                    ids.removeIf(id -> id != r.projectId());
                }
            }
            default -> {}
        }
        return new RepositoryListing.Scope.PublicOrProjects(ids);
    }

    private static ResponseEntity<List<Map<String, Object>>> page(
            HttpServletRequest request, ListQuery query, RepositoryListing.Page page) {
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.rows().stream().map(RepositoryController::view).toList());
    }

    static Map<String, Object> view(RepositoryListing.Row r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", r.id());
        v.put("project_id", r.projectId());
        v.put("name", r.name());
        v.put("description", r.description());
        v.put("artifact_count", r.artifactCount());
        v.put("pull_count", r.pullCount());
        v.put("creation_time", r.creationTime().toString());
        v.put("update_time", r.updateTime().toString());
        return v;
    }
}
