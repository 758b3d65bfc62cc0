package dev.berth.webhook;

import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.api.SqlPage;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.job.Executions;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * Harbor's webhook policy API, {@code /api/v2.0/projects/{project_name_or_id}/webhook/…}: policies,
 * their last trigger per event type, and what can be subscribed to. Project admins manage policies;
 * maintainers may read them (Harbor's matrix); a policy id of another project is a 404.
 */
@RestController
@RequestMapping("/api/v2.0/projects/{projectNameOrId}/webhook")
class WebhookPolicyController {
    static final Set<String> VENDOR_TYPES = Set.of(WebhookDelivery.WEBHOOK, WebhookDelivery.SLACK);
    private static final String RESOURCE_TYPE = "webhook_policy";

    private final WebhookPolicies policies;
    private final Executions executions;
    private final ProjectGuard guard;
    private final AuditLog audit;

    WebhookPolicyController(WebhookPolicies policies, Executions executions, ProjectGuard guard, AuditLog audit) {
        this.policies = policies;
        this.executions = executions;
        this.guard = guard;
        this.audit = audit;
    }

    @GetMapping({"/policies", "/policies/"})
    ResponseEntity<List<PolicyView>> list(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            ListQuery query) {
        Project project = permitted(request, projectNameOrId, isName, Action.LIST);
        SqlPage<WebhookPolicy> page = policies.list(project.id(), query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.rows().stream().map(PolicyView::of).toList());
    }

    @PostMapping({"/policies", "/policies/"})
    ResponseEntity<Void> create(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestBody PolicyRequest body) {
        Project project = permitted(request, projectNameOrId, isName, Action.CREATE);
        Principal caller = Callers.of(request);
        long id = policies.create(project.id(), caller.name(), body);
        record(caller, project, AuditLog.Operation.CREATE, id);
        String path = request.getRequestURI();
        return ResponseEntity.created(URI.create((path.endsWith("/") ? path : path + "/") + id))
                .build();
    }

    @GetMapping("/policies/{policyId}")
    PolicyView get(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long policyId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.READ);
        return PolicyView.of(policies.get(project.id(), policyId));
    }

    @PutMapping("/policies/{policyId}")
    ResponseEntity<Void> update(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long policyId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestBody PolicyRequest body) {
        Project project = permitted(request, projectNameOrId, isName, Action.UPDATE);
        policies.update(project.id(), policyId, body);
        record(Callers.of(request), project, AuditLog.Operation.UPDATE, policyId);
        return ResponseEntity.ok().build();
    }

    @DeleteMapping("/policies/{policyId}")
    ResponseEntity<Void> delete(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long policyId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.DELETE);
        policies.delete(project.id(), policyId);
        record(Callers.of(request), project, AuditLog.Operation.DELETE, policyId);
        return ResponseEntity.ok().build();
    }

    /** Per policy and event type it listens to: when it last fired (absent when never). */
    @GetMapping("/lasttrigger")
    List<WebhookViews.LastTrigger> lastTrigger(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.READ);
        List<WebhookViews.LastTrigger> triggers = new ArrayList<>();
        for (WebhookPolicy p : policies.all(project.id())) {
            for (String type : p.eventTypes()) {
                triggers.add(new WebhookViews.LastTrigger(
                        p.name(),
                        type,
                        p.enabled(),
                        p.creationTime(),
                        executions
                                .latestStart(VENDOR_TYPES, p.id(), "event_type", type)
                                .orElse(null)));
            }
        }
        return triggers;
    }

    @GetMapping("/events")
    WebhookViews.Supported events(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        permitted(request, projectNameOrId, isName, Action.READ);
        return new WebhookViews.Supported(
                WebhookEventTypes.ALL.stream().map(t -> t.name()).toList(),
                WebhookEventTypes.NOTIFY_TYPES,
                List.of(new WebhookViews.PayloadFormats("http", WebhookEventTypes.HTTP_FORMATS)));
    }

    private Project permitted(HttpServletRequest request, String nameOrId, boolean isName, Action action) {
        Principal caller = Callers.of(request);
        Project project = guard.readable(caller, nameOrId, isName);
        guard.require(caller, project, Resource.NOTIFICATION_POLICY, action);
        return project;
    }

    private void record(Principal caller, Project project, AuditLog.Operation operation, long id) {
        audit.record(caller.name(), project.id(), operation, RESOURCE_TYPE, project.name() + "/webhook/" + id);
    }
}
