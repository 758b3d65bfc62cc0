package dev.berth.audit;

import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.api.SqlFilter;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.ProjectRole;
import dev.berth.iam.ProjectScope;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reading the audit trail, as Harbor's legacy endpoints do: {@code GET /audit-logs} shows everything
 * to system administrators (and robots granted system {@code audit-log:list}) and, to other users,
 * the entries of the projects where their role includes {@code log:list}; {@code GET
 * /projects/{project_name}/logs} shows one project's entries to those allowed {@code log:list} there.
 * Newest first unless sorted otherwise.
 */
@RestController
class AuditLogController {
    private final AuditLogSearch search;
    private final Authorizer authorizer;

    AuditLogController(AuditLogSearch search, Authorizer authorizer) {
        this.search = search;
        this.authorizer = authorizer;
    }

    @GetMapping("/api/v2.0/audit-logs")
    ResponseEntity<List<AuditLogSearch.Entry>> all(HttpServletRequest request, ListQuery query) {
        return respond(request, query, allScope(request), search::page);
    }

    @GetMapping("/api/v2.0/projects/{projectName}/logs")
    ResponseEntity<List<AuditLogSearch.Entry>> ofProject(
            HttpServletRequest request, @PathVariable String projectName, ListQuery query) {
        return respond(request, query, projectScope(request, projectName), search::page);
    }

    /**
     * Harbor 2.13's user-facing audit view: the same entries and rights as {@code /audit-logs}, with
     * what each change changed where it was recorded.
     */
    @GetMapping("/api/v2.0/auditlog-exts")
    ResponseEntity<List<AuditLogSearch.ExtEntry>> allExt(HttpServletRequest request, ListQuery query) {
        return respond(request, query, allScope(request), search::extPage);
    }

    @GetMapping("/api/v2.0/projects/{projectName}/auditlog-exts")
    ResponseEntity<List<AuditLogSearch.ExtEntry>> ofProjectExt(
            HttpServletRequest request, @PathVariable String projectName, ListQuery query) {
        return respond(request, query, projectScope(request, projectName), search::extPage);
    }

    record EventType(String eventType) {}

    /** Harbor's audit event types, for system administrators (system {@code audit-log:list}). */
    @GetMapping("/api/v2.0/auditlog-exts/events")
    List<EventType> eventTypes(HttpServletRequest request) {
        Principal caller = Callers.authenticated(request);
        if (!authorizer.allowedSystem(caller, Resource.AUDIT_LOG, Action.LIST)) {
            throw Callers.denied(caller);
        }
        return AuditLog.EVENT_TYPES.stream().map(EventType::new).toList();
    }

    private AuditLogSearch.Scope allScope(HttpServletRequest request) {
        Principal caller = Callers.authenticated(request);
        if (authorizer.allowedSystem(caller, Resource.AUDIT_LOG, Action.LIST)) {
            return new AuditLogSearch.Scope.All();
        } else if (caller instanceof Principal.User u) {
            return new AuditLogSearch.Scope.MemberOf(u.id(), rolesThatMayListLogs());
        }
        return new AuditLogSearch.Scope.Nothing();
    }

    private AuditLogSearch.Scope projectScope(HttpServletRequest request, String projectName) {
        Principal caller = Callers.authenticated(request);
        ProjectScope project =
                authorizer.project(projectName).orElseThrow(() -> Callers.hidden(caller, "project " + projectName));
        if (!authorizer.allowed(caller, project, Resource.LOG, Action.LIST)) {
            // Refused outright where the caller may see the project; as if it did not exist otherwise.
            throw authorizer.allowed(caller, project, Resource.PROJECT, Action.READ)
                    ? Callers.denied(caller)
                    : Callers.hidden(caller, "project " + projectName);
        }
        return new AuditLogSearch.Scope.Project(project.id());
    }

    private <T> ResponseEntity<List<T>> respond(
            HttpServletRequest request,
            ListQuery query,
            AuditLogSearch.Scope scope,
            BiFunction<AuditLogSearch.Scope, SqlFilter, List<T>> page) {
        SqlFilter filter = query.toSql(AuditLogSearch.FIELDS);
        long total = search.count(scope, filter);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, total))
                .body(page.apply(scope, filter));
    }

    private static List<Integer> rolesThatMayListLogs() {
        return Arrays.stream(ProjectRole.values())
                .filter(r -> r.permits(Resource.LOG, Action.LIST))
                .map(ProjectRole::id)
                .toList();
    }
}
