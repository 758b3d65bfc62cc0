package dev.berth.webhook;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.job.Execution;
import dev.berth.job.ExecutionView;
import dev.berth.job.Executions;
import dev.berth.job.Task;
import dev.berth.job.TaskView;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What webhook policies did: their executions (one per event and target), each execution's
 * delivery task, the task's log, and Harbor's deprecated {@code /webhook/jobs} view of the same.
 * Every id in the path must belong to the one before it (policy to project, execution to policy,
 * task to execution): anything else is a 404.
 */
@RestController
@RequestMapping("/api/v2.0/projects/{projectNameOrId}/webhook")
class WebhookExecutionController {
    private final WebhookPolicies policies;
    private final Executions executions;
    private final ProjectGuard guard;

    WebhookExecutionController(WebhookPolicies policies, Executions executions, ProjectGuard guard) {
        this.policies = policies;
        this.executions = executions;
        this.guard = guard;
    }

    @GetMapping("/policies/{policyId}/executions")
    ResponseEntity<List<ExecutionView>> executions(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long policyId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            ListQuery query) {
        WebhookPolicy policy = policy(request, projectNameOrId, isName, policyId, Action.READ);
        Executions.Page page = executions.list(WebhookPolicyController.VENDOR_TYPES, policy.id(), query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(executions.views(page.items()));
    }

    @GetMapping("/policies/{policyId}/executions/{executionId}/tasks")
    ResponseEntity<List<TaskView>> tasks(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long policyId,
            @PathVariable long executionId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            ListQuery query) {
        WebhookPolicy policy = policy(request, projectNameOrId, isName, policyId, Action.READ);
        execution(policy, executionId);
        Executions.TaskPage page = executions.tasks(executionId, query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.items().stream().map(TaskView::of).toList());
    }

    @GetMapping(
            value = "/policies/{policyId}/executions/{executionId}/tasks/{taskId}/log",
            produces = MediaType.TEXT_PLAIN_VALUE)
    String log(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long policyId,
            @PathVariable long executionId,
            @PathVariable long taskId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        WebhookPolicy policy = policy(request, projectNameOrId, isName, policyId, Action.READ);
        execution(policy, executionId);
        Task task = executions
                .task(taskId)
                .filter(t -> t.executionId() == executionId)
                .orElseThrow(() -> ApiException.notFound("task " + taskId + " not found in execution " + executionId));
        return executions.log(task.id()).orElse("");
    }

    /** Harbor's deprecated list: a policy's executions, as jobs. */
    @GetMapping("/jobs")
    ResponseEntity<List<WebhookViews.Job>> jobs(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestParam(name = "policy_id") long policyId,
            @RequestParam(name = "status", required = false) List<String> status,
            ListQuery query) {
        WebhookPolicy policy = policy(request, projectNameOrId, isName, policyId, Action.LIST);
        ListQuery filtered = status == null || status.isEmpty() ? query : query.withTerm("status", status);
        Executions.Page page = executions.list(WebhookPolicyController.VENDOR_TYPES, policy.id(), filtered);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.items().stream().map(WebhookExecutionController::job).toList());
    }

    private static WebhookViews.Job job(Execution e) {
        return new WebhookViews.Job(
                e.id(),
                e.vendorId(),
                String.valueOf(e.extraAttrs().getOrDefault("event_type", "")),
                e.vendorType().equals(WebhookDelivery.SLACK) ? "slack" : "http",
                e.status().wire(),
                String.valueOf(e.extraAttrs().getOrDefault("payload", "")),
                e.startTime(),
                e.updateTime());
    }

    private WebhookPolicy policy(
            HttpServletRequest request, String nameOrId, boolean isName, long policyId, Action action) {
        Principal caller = Callers.of(request);
        Project project = guard.readable(caller, nameOrId, isName);
        guard.require(caller, project, Resource.NOTIFICATION_POLICY, action);
        return policies.get(project.id(), policyId);
    }

    private Execution execution(WebhookPolicy policy, long executionId) {
        return executions
                .execution(executionId)
                .filter(e ->
                        e.vendorId() == policy.id() && WebhookPolicyController.VENDOR_TYPES.contains(e.vendorType()))
                .orElseThrow(() ->
                        ApiException.notFound("execution " + executionId + " not found in policy " + policy.id()));
    }
}
