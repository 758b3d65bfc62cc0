package dev.berth.project;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;
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
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v2.0/projects/{p}/metadatas}: one project's metadata, key by key. Writes need the
 * {@code metadata} permission of a project admin: a maintainer may only read (CVE-2024-22278, where
 * maintainers could switch off {@code prevent_vul}).
 */
@RestController
@RequestMapping("/api/v2.0/projects/{projectNameOrId}/metadatas")
class ProjectMetadataController {
    private static final String RESOURCE_TYPE = "project_metadata";

    private final ProjectGuard guard;
    private final ProjectService projects;
    private final AuditLog audit;

    ProjectMetadataController(ProjectGuard guard, ProjectService projects, AuditLog audit) {
        this.guard = guard;
        this.projects = projects;
        this.audit = audit;
    }

    /**
     * All keys. Harbor asks for {@code metadata:list}, which no project role holds; reading every key
     * is no more than reading each, so {@code metadata:read} suffices here.
     */
    @GetMapping({"", "/"})
    Map<String, String> list(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.READ);
        return new TreeMap<>(project.metadata());
    }

    /** Adds one key that is not set yet: 409 if it is. */
    @PostMapping({"", "/"})
    ResponseEntity<Void> add(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestBody Map<String, Object> body) {
        Project project = permitted(request, projectNameOrId, isName, Action.CREATE);
        if (body.size() != 1) {
            throw ApiException.badRequest("only allow one key/value pair");
        }
        Map.Entry<String, Object> entry = body.entrySet().iterator().next();
        String value = ProjectMetadataRules.normalise(entry.getKey(), text(entry.getValue()));
        projects.addMetadata(project, entry.getKey(), value);
        audit.record(
                Callers.of(request).name(),
                project.id(),
                AuditLog.Operation.CREATE,
                RESOURCE_TYPE,
                project.name() + "/" + entry.getKey());
        return ResponseEntity.ok().build();
    }

    /** One key as {@code {"key":"value"}}, or {@code {}} when it is not set. */
    @GetMapping("/{metaName}")
    Map<String, String> get(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable String metaName,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.READ);
        String value = project.metadata().get(metaName);
        return value == null ? Map.of() : Map.of(metaName, value);
    }

    /** Sets one key (inserting it if absent); the body must name the same key as the path. */
    @PutMapping("/{metaName}")
    ResponseEntity<Void> update(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable String metaName,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestBody Map<String, Object> body) {
        Project project = permitted(request, projectNameOrId, isName, Action.UPDATE);
        if (body.size() != 1 || !body.containsKey(metaName)) {
            throw ApiException.badRequest("the body must hold exactly the key " + abbreviate(metaName));
        }
        String value = ProjectMetadataRules.normalise(metaName, text(body.get(metaName)));
        projects.update(project, Map.of(metaName, value), Optional.empty());
        String before = project.metadata().get(metaName);
        audit.record(
                Callers.of(request).name(),
                project.id(),
                AuditLog.Operation.UPDATE,
                RESOURCE_TYPE,
                project.name() + "/" + metaName,
                before == null
                        ? AuditLog.set(metaName, value)
                        : before.equals(value) ? null : AuditLog.change(metaName, before, value));
        return ResponseEntity.ok().build();
    }

    /** Removes one key; removing {@code public} makes the project private. */
    @DeleteMapping("/{metaName}")
    ResponseEntity<Void> delete(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable String metaName,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.DELETE);
        if (projects.deleteMetadata(project, metaName)) {
            audit.record(
                    Callers.of(request).name(),
                    project.id(),
                    AuditLog.Operation.DELETE,
                    RESOURCE_TYPE,
                    project.name() + "/" + metaName);
        }
        return ResponseEntity.ok().build();
    }

    private Project permitted(HttpServletRequest request, String nameOrId, boolean isName, Action action) {
        Principal caller = Callers.of(request);
        Project project = guard.readable(caller, nameOrId, isName);
        guard.require(caller, project, Resource.METADATA, action);
        return project;
    }

    /** Harbor's body is a string map; a JSON boolean or number is taken as its text, anything else refused. */
    private static String text(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Number) {
            return String.valueOf(value);
        }
        throw ApiException.badRequest("metadata values must be strings");
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
