package dev.berth.project;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.ProjectRole;
import dev.berth.iam.ProjectScope;
import dev.berth.iam.Resource;
import dev.berth.system.SystemSettings;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
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

    ProjectController(ProjectService projects, Authorizer authorizer, SystemSettings settings, AuditLog audit) {
        this.projects = projects;
        this.authorizer = authorizer;
        this.settings = settings;
        this.audit = audit;
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
            throw ApiException.forbidden("only system administrators may create projects");
        }
        String name = body.get("project_name") instanceof String s ? s : null;
        ProjectService.validateName(name);
        Map<String, String> metadata = new LinkedHashMap<>();
        if (body.get("metadata") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> metadata.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        if (body.get("public") instanceof Boolean p && !metadata.containsKey("public")) {
            metadata.put("public", p.toString());
        }
        long limit = -1;
        if (body.get("storage_limit") instanceof Number n && n.longValue() != -1) {
            if (!caller.isSysadmin()) {
                throw ApiException.forbidden("only system administrators may set a storage limit");
            }
            if (n.longValue() < -1) {
                throw ApiException.badRequest("storage_limit must be -1 or a number of bytes");
            }
            limit = n.longValue();
        }
        long ownerId = caller instanceof Principal.User u ? u.id() : 0;
        Project created = projects.create(name, ownerId, metadata, limit);
        audit.record(caller.name(), created.id(), AuditLog.Operation.CREATE, "project", created.name());
        String location = "/api/v2.0/projects/" + (nameInLocation ? created.name() : String.valueOf(created.id()));
        return ResponseEntity.created(URI.create(location)).build();
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

    /** The project if the caller may read it; otherwise a refusal that does not reveal it exists. */
    Project readable(Principal caller, String nameOrId, boolean isName) {
        Optional<Project> project = projects.resolve(nameOrId, isName);
        if (project.isEmpty() || !authorizer.allowed(caller, scope(project.get()), Resource.PROJECT, Action.READ)) {
            throw Callers.hidden(caller, "project " + nameOrId);
        }
        return project.get();
    }

    void require(Principal caller, Project project, Resource resource, Action action) {
        if (!authorizer.allowed(caller, scope(project), resource, action)) {
            throw Callers.denied(caller);
        }
    }

    static ProjectScope scope(Project p) {
        return new ProjectScope(p.id(), p.name(), p.isPublic(), p.creationTime());
    }

    Map<String, Object> view(Principal caller, Project p) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("project_id", p.id());
        v.put("owner_id", p.ownerId());
        v.put("name", p.name());
        v.put("owner_name", p.ownerName());
        v.put("creation_time", p.creationTime().toString());
        v.put("update_time", p.updateTime().toString());
        v.put("deleted", false);
        v.put("registry_id", 0);
        v.put("repo_count", projects.repositoryCount(p.id()));
        Optional<ProjectRole> role = authorizer.roleOf(caller, scope(p));
        v.put("current_user_role_id", role.map(ProjectRole::id).orElse(0));
        v.put("current_user_role_ids", role.map(r -> List.of(r.id())).orElse(List.of()));
        v.put(
                "togglable",
                caller.isSysadmin()
                        || role.filter(r -> r == ProjectRole.PROJECT_ADMIN).isPresent());
        v.put("metadata", p.metadata());
        return v;
    }

    static String time(Instant i) {
        return i.toString();
    }
}
