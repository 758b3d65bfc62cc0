package dev.berth.label;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.api.SqlPage;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's {@code /api/v2.0/labels}. Global labels are readable by everyone and written by system
 * administrators (or robots granted label access at system level); project labels follow the
 * project's {@code label} permissions, and a project the caller may not see hides its labels (404).
 */
@RestController
@RequestMapping("/api/v2.0/labels")
class LabelController {
    private static final Pattern COLOR = Pattern.compile("(#[0-9A-Fa-f]{3}|#[0-9A-Fa-f]{6})?");
    private static final int MAX_NAME = 128;
    private static final int MAX_DESCRIPTION = 1024;

    private final LabelRecords records;
    private final ProjectGuard guard;
    private final Authorizer authorizer;
    private final AuditLog audit;

    LabelController(LabelRecords records, ProjectGuard guard, Authorizer authorizer, AuditLog audit) {
        this.records = records;
        this.guard = guard;
        this.authorizer = authorizer;
        this.audit = audit;
    }

    /** The fields a client may set; scope and project only on creation. */
    record LabelRequest(String name, String description, String color, String scope, Long projectId) {}

    @GetMapping
    ResponseEntity<List<Map<String, Object>>> list(
            HttpServletRequest request,
            ListQuery query,
            @RequestParam(name = "scope", defaultValue = "g") String scope,
            @RequestParam(name = "project_id", required = false) Long projectId,
            @RequestParam(name = "name", required = false) String name) {
        Principal caller = Callers.of(request);
        long pid = 0;
        if (Label.PROJECT.equals(scope)) {
            if (projectId == null || projectId <= 0) {
                throw ApiException.badRequest("project_id is required for scope p");
            }
            Project project = guard.readable(caller, String.valueOf(projectId), false);
            guard.require(caller, project, Resource.LABEL, Action.LIST);
            pid = project.id();
        } else if (!Label.GLOBAL.equals(scope)) {
            throw ApiException.badRequest("scope must be g or p");
        }
        SqlPage<Label> page = records.list(scope, pid, Optional.ofNullable(name), query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.rows().stream().map(Label::view).toList());
    }

    @GetMapping("/{id}")
    Map<String, Object> get(HttpServletRequest request, @PathVariable long id) {
        Principal caller = Callers.of(request);
        return readable(caller, id, Action.READ).view();
    }

    @PostMapping
    ResponseEntity<Void> create(HttpServletRequest request, @RequestBody LabelRequest body) {
        Principal caller = Callers.authenticated(request);
        String scope = body.scope() == null || body.scope().isEmpty() ? Label.GLOBAL : body.scope();
        long pid = 0;
        if (Label.GLOBAL.equals(scope)) {
            if (body.projectId() != null && body.projectId() != 0) {
                throw ApiException.badRequest("a global label has no project_id");
            }
            requireSystem(caller, Action.CREATE);
        } else if (Label.PROJECT.equals(scope)) {
            if (body.projectId() == null || body.projectId() <= 0) {
                throw ApiException.badRequest("project_id is required for scope p");
            }
            Project project = guard.readable(caller, String.valueOf(body.projectId()), false);
            guard.require(caller, project, Resource.LABEL, Action.CREATE);
            pid = project.id();
        } else {
            throw ApiException.badRequest("scope must be g or p");
        }
        String name = validName(body.name());
        long id = records.create(name, description(body), color(body), scope, pid)
                .orElseThrow(() -> ApiException.conflict("label " + name + " already exists"));
        audit.record(caller.name(), pid, AuditLog.Operation.CREATE, "label", name);
        return ResponseEntity.created(URI.create("/api/v2.0/labels/" + id)).build();
    }

    /** Name, description and color may change; scope and project stay as created. */
    @PutMapping("/{id}")
    ResponseEntity<Void> update(HttpServletRequest request, @PathVariable long id, @RequestBody LabelRequest body) {
        Principal caller = Callers.authenticated(request);
        Label label = writable(caller, id, Action.UPDATE);
        String name = body.name() == null ? label.name() : validName(body.name());
        String description = body.description() == null ? label.description() : description(body);
        String color = body.color() == null ? label.color() : color(body);
        if (!records.update(id, name, description, color)) {
            throw ApiException.conflict("label " + name + " already exists");
        }
        audit.record(caller.name(), label.projectId(), AuditLog.Operation.UPDATE, "label", name);
        return ResponseEntity.ok().build();
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable long id) {
        Principal caller = Callers.authenticated(request);
        Label label = writable(caller, id, Action.DELETE);
        if (!records.delete(id)) {
            throw ApiException.notFound("label " + id + " not found");
        }
        audit.record(caller.name(), label.projectId(), AuditLog.Operation.DELETE, "label", label.name());
        return ResponseEntity.ok().build();
    }

    /** The label if the caller may see it: global ones always, project ones per the project (else 401/404). */
    private Label readable(Principal caller, long id, Action action) {
        Label label = records.find(id).orElseThrow(() -> Callers.hidden(caller, "label " + id));
        if (!label.isGlobal()) {
            Project project = guard.readable(caller, String.valueOf(label.projectId()), false);
            if (!guard.allows(caller, project, Resource.LABEL, action)) {
                throw Callers.hidden(caller, "label " + id);
            }
        }
        return label;
    }

    private Label writable(Principal caller, long id, Action action) {
        Label label = readable(caller, id, Action.READ);
        if (label.isGlobal()) {
            requireSystem(caller, action);
        } else {
            Project project = guard.readable(caller, String.valueOf(label.projectId()), false);
            guard.require(caller, project, Resource.LABEL, action);
        }
        return label;
    }

    private void requireSystem(Principal caller, Action action) {
        if (!authorizer.allowedSystem(caller, Resource.LABEL, action)) {
            throw Callers.denied(caller);
        }
    }

    private static String validName(String name) {
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("name is required");
        }
        if (name.length() > MAX_NAME) {
            throw ApiException.badRequest("name is longer than " + MAX_NAME + " characters");
        }
        return name;
    }

    private static String description(LabelRequest body) {
        String d = body.description() == null ? "" : body.description();
        if (d.length() > MAX_DESCRIPTION) {
            throw ApiException.badRequest("description is longer than " + MAX_DESCRIPTION + " characters");
        }
        return d;
    }

    private static String color(LabelRequest body) {
        String c = body.color() == null ? "" : body.color();
        if (!COLOR.matcher(c).matches()) {
            throw ApiException.badRequest("color must be #rgb or #rrggbb");
        }
        return c;
    }
}
