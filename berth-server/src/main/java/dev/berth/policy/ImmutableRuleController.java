package dev.berth.policy;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.api.SqlPage;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
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
 * Harbor's {@code /api/v2.0/projects/{project_name_or_id}/immutabletagrules}. Project admins and
 * maintainers (and robots granted {@code immutable-tag}) manage the rules; nobody else may even list
 * them. A rule id of another project is a 404, never a change there (CVE-2022-31669).
 */
@RestController
@RequestMapping("/api/v2.0/projects/{projectNameOrId}/immutabletagrules")
class ImmutableRuleController {
    private static final String RESOURCE_TYPE = "immutable_tag_rule";

    private final ImmutableTagRules rules;
    private final ProjectGuard guard;
    private final AuditLog audit;

    ImmutableRuleController(ImmutableTagRules rules, ProjectGuard guard, AuditLog audit) {
        this.rules = rules;
        this.guard = guard;
        this.audit = audit;
    }

    @GetMapping({"", "/"})
    ResponseEntity<List<Map<String, Object>>> list(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            ListQuery query) {
        Project project = permitted(request, projectNameOrId, isName, Action.LIST);
        SqlPage<ImmutableRule> page = rules.list(project.id(), query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.rows().stream().map(ImmutableRule::view).toList());
    }

    @PostMapping({"", "/"})
    ResponseEntity<Void> create(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestBody(required = false) Map<String, Object> body) {
        Project project = permitted(request, projectNameOrId, isName, Action.CREATE);
        ImmutableRuleRequest rule = ImmutableRuleRequest.parse(body);
        long id = rules.create(project.id(), rule);
        record(request, project, AuditLog.Operation.CREATE, id);
        String path = request.getRequestURI();
        return ResponseEntity.created(URI.create((path.endsWith("/") ? path : path + "/") + id))
                .build();
    }

    /** Replaces the rule, enabling or disabling it with everything else in the body. */
    @PutMapping("/{ruleId}")
    ResponseEntity<Void> update(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long ruleId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestBody(required = false) Map<String, Object> body) {
        Project project = permitted(request, projectNameOrId, isName, Action.UPDATE);
        ImmutableRuleRequest rule = ImmutableRuleRequest.parse(body);
        if (rule.id().isPresent() && rule.id().get() != ruleId) {
            throw ApiException.badRequest("the immutable_rule_id doesn't match the id in the body");
        }
        rules.update(project.id(), ruleId, rule);
        record(request, project, AuditLog.Operation.UPDATE, ruleId);
        return ResponseEntity.ok().build();
    }

    @DeleteMapping("/{ruleId}")
    ResponseEntity<Void> delete(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long ruleId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.DELETE);
        rules.delete(project.id(), ruleId);
        record(request, project, AuditLog.Operation.DELETE, ruleId);
        return ResponseEntity.ok().build();
    }

    private Project permitted(HttpServletRequest request, String nameOrId, boolean isName, Action action) {
        Principal caller = Callers.of(request);
        Project project = guard.readable(caller, nameOrId, isName);
        guard.require(caller, project, Resource.IMMUTABLE_TAG, action);
        return project;
    }

    private void record(HttpServletRequest request, Project project, AuditLog.Operation operation, long id) {
        audit.record(
                Callers.of(request).name(), project.id(), operation, RESOURCE_TYPE, project.name() + "/rules/" + id);
    }
}
