package dev.berth.replication;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.job.Execution;
import dev.berth.job.Executions;
import dev.berth.job.Task;
import dev.berth.job.Trigger;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's {@code /api/v2.0/replication/executions}: start one for a policy, list, get, stop, the
 * copy tasks and their logs. Each execution runs in the job service: a planning task, then one copy
 * task per artifact. System administrators only, as in Harbor.
 */
@RestController
@RequestMapping("/api/v2.0/replication/executions")
class ReplicationExecutionController {
    private final ReplicationPolicies policies;
    private final Executions executions;
    private final ReplicationTaskRecords taskRecords;
    private final Authorizer authorizer;
    private final AuditLog audit;

    ReplicationExecutionController(
            ReplicationPolicies policies,
            Executions executions,
            ReplicationTaskRecords taskRecords,
            Authorizer authorizer,
            AuditLog audit) {
        this.policies = policies;
        this.executions = executions;
        this.taskRecords = taskRecords;
        this.authorizer = authorizer;
        this.audit = audit;
    }

    /** Harbor's {@code StartReplicationExecution}. */
    record StartRequest(Long policyId) {}

    @PostMapping({"", "/"})
    ResponseEntity<Void> start(HttpServletRequest request, @RequestBody StartRequest body) {
        Principal caller = require(request, Action.CREATE);
        if (body == null || body.policyId() == null) {
            throw ApiException.badRequest("policy_id is required");
        }
        ReplicationPolicy policy = policies.get(body.policyId());
        if (!policy.enabled()) {
            throw ApiException.preconditionFailed("the policy " + policy.id() + " is disabled");
        }
        long id = executions.run(
                ReplicationPolicies.VENDOR,
                policy.id(),
                Trigger.MANUAL,
                Map.of("operator", caller.name()),
                Map.of("policy_id", policy.id()));
        audit.record(caller.name(), 0, AuditLog.Operation.CREATE, "replication", policy.name() + "/execution/" + id);
        String path = request.getRequestURI();
        return ResponseEntity.created(URI.create((path.endsWith("/") ? path : path + "/") + id))
                .build();
    }

    @GetMapping({"", "/"})
    ResponseEntity<List<ExecutionViews.ExecutionView>> list(
            HttpServletRequest request,
            ListQuery query,
            @RequestParam(name = "policy_id", required = false) Long policyId,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String trigger) {
        require(request, Action.LIST);
        if (status != null && !status.isEmpty()) {
            query = query.withTerm("status", List.of(ExecutionViews.storedStatus(status)));
        }
        if (trigger != null && !trigger.isEmpty()) {
            query = query.withTerm("trigger", List.of(ExecutionViews.storedTrigger(trigger)));
        }
        Executions.Page page = policyId == null
                ? executions.list(ReplicationPolicies.VENDOR, query)
                : executions.list(Set.of(ReplicationPolicies.VENDOR), policyId, query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.items().stream().map(this::view).toList());
    }

    @GetMapping("/{id:\\d+}")
    ExecutionViews.ExecutionView get(HttpServletRequest request, @PathVariable long id) {
        require(request, Action.READ);
        return view(find(id));
    }

    @PutMapping("/{id:\\d+}")
    ResponseEntity<Void> stop(HttpServletRequest request, @PathVariable long id) {
        Principal caller = require(request, Action.CREATE); // Harbor checks "create" here too
        find(id);
        executions.stop(id);
        audit.record(caller.name(), 0, AuditLog.Operation.UPDATE, "replication", "stop execution " + id);
        return ResponseEntity.ok().build();
    }

    @GetMapping("/{id:\\d+}/tasks")
    ResponseEntity<List<ExecutionViews.TaskView>> tasks(
            HttpServletRequest request,
            ListQuery query,
            @PathVariable long id,
            @RequestParam(required = false) String status,
            @RequestParam(name = "resource_type", required = false) String resourceType) {
        require(request, Action.LIST);
        find(id);
        Map<Long, ReplicationTaskRecords.Resource> resources = taskRecords.ofExecution(id);
        List<ExecutionViews.TaskView> all = executions.tasks(id).stream()
                .filter(t -> resources.containsKey(t.id()))
                .map(t -> ExecutionViews.task(t, resources.get(t.id())))
                .filter(t -> status == null || status.isEmpty() || t.status().equals(status))
                .filter(t -> resourceType == null
                        || resourceType.isEmpty()
                        || t.resourceType().equals(resourceType))
                .toList();
        List<ExecutionViews.TaskView> page =
                all.stream().skip(query.offset()).limit(query.pageSize()).toList();
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, all.size()))
                .body(page);
    }

    @GetMapping(value = "/{id:\\d+}/tasks/{taskId:\\d+}/log", produces = MediaType.TEXT_PLAIN_VALUE)
    String log(HttpServletRequest request, @PathVariable long id, @PathVariable long taskId) {
        require(request, Action.READ);
        find(id);
        Task task = executions
                .task(taskId)
                .filter(t -> t.executionId() == id)
                .orElseThrow(() -> ApiException.notFound("execution " + id + " contains no task with ID " + taskId));
        return executions.log(task.id()).orElse("");
    }

    private ExecutionViews.ExecutionView view(Execution e) {
        Map<Long, ReplicationTaskRecords.Resource> resources = taskRecords.ofExecution(e.id());
        return ExecutionViews.execution(
                e,
                executions.tasks(e.id()).stream()
                        .filter(t -> resources.containsKey(t.id()))
                        .toList());
    }

    private Execution find(long id) {
        return executions
                .execution(id)
                .filter(e -> e.vendorType().equals(ReplicationPolicies.VENDOR))
                .orElseThrow(() -> ApiException.notFound("replication execution " + id + " not found"));
    }

    private Principal require(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.REPLICATION, action)) {
            throw Callers.denied(caller);
        }
        return caller;
    }
}
