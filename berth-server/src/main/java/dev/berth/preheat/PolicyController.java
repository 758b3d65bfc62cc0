package dev.berth.preheat;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.api.SqlPage;
import dev.berth.audit.AuditLog;
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
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's preheat API under a project, {@code /api/v2.0/projects/{project_name}/preheat/…}:
 * policies by name, manual preheat, executions (get, list, stop), tasks and their logs, and the
 * providers a policy may use. Harbor's {@code preheat-policy} permissions (project admins; robots
 * granted it). Every name or id in the path must belong to the one before it: a policy of another
 * project, an execution of another policy, a task of another execution are 404s.
 */
@RestController
@RequestMapping("/api/v2.0/projects/{projectName}/preheat")
class PolicyController {
    private static final String RESOURCE_TYPE = "preheat_policy";

    private final Policies policies;
    private final Instances instances;
    private final Executions executions;
    private final ProjectGuard guard;
    private final AuditLog audit;

    PolicyController(
            Policies policies, Instances instances, Executions executions, ProjectGuard guard, AuditLog audit) {
        this.policies = policies;
        this.instances = instances;
        this.executions = executions;
        this.guard = guard;
        this.audit = audit;
    }

    @GetMapping("/policies")
    ResponseEntity<List<PolicyView>> list(
            HttpServletRequest request, @PathVariable String projectName, ListQuery query) {
        Project project = permitted(request, projectName, Action.LIST);
        SqlPage<PreheatPolicy> page = policies.list(project.id(), query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.rows().stream()
                        .map(p -> PolicyView.of(p, policies.providerName(p.providerId())))
                        .toList());
    }

    @PostMapping("/policies")
    ResponseEntity<Void> create(
            HttpServletRequest request, @PathVariable String projectName, @RequestBody PolicyView body) {
        Project project = permitted(request, projectName, Action.CREATE);
        PreheatPolicy created = policies.create(project.id(), body);
        record(request, project, AuditLog.Operation.CREATE, created.name());
        String path = request.getRequestURI();
        return ResponseEntity.created(URI.create((path.endsWith("/") ? path : path + "/") + created.name()))
                .build();
    }

    @GetMapping("/policies/{policyName}")
    PolicyView get(HttpServletRequest request, @PathVariable String projectName, @PathVariable String policyName) {
        Project project = permitted(request, projectName, Action.READ);
        PreheatPolicy policy = policies.byName(project.id(), policyName);
        return PolicyView.of(policy, policies.providerName(policy.providerId()));
    }

    @PutMapping("/policies/{policyName}")
    ResponseEntity<Void> update(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String policyName,
            @RequestBody PolicyView body) {
        Project project = permitted(request, projectName, Action.UPDATE);
        policies.update(project.id(), policyName, body);
        record(request, project, AuditLog.Operation.UPDATE, policyName);
        return ResponseEntity.ok().build();
    }

    @DeleteMapping("/policies/{policyName}")
    ResponseEntity<Void> delete(
            HttpServletRequest request, @PathVariable String projectName, @PathVariable String policyName) {
        Project project = permitted(request, projectName, Action.DELETE);
        policies.delete(project.id(), policyName);
        record(request, project, AuditLog.Operation.DELETE, policyName);
        return ResponseEntity.ok().build();
    }

    /** Harbor's manual preheat; its body (a policy) is accepted and ignored, as in Harbor. */
    @PostMapping("/policies/{policyName}")
    ResponseEntity<Void> manual(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String policyName,
            @RequestBody(required = false) JsonNode ignored) {
        Project project = permitted(request, projectName, Action.READ);
        long execution = policies.manual(project.id(), policyName);
        return ResponseEntity.created(URI.create("/api/v2.0/projects/" + project.name() + "/preheat/policies/"
                        + policyName + "/executions/" + execution))
                .build();
    }

    @GetMapping("/policies/{policyName}/executions")
    ResponseEntity<List<ExecutionView>> executions(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String policyName,
            ListQuery query) {
        PreheatPolicy policy = policy(request, projectName, policyName, Action.LIST);
        Executions.Page page = executions.list(List.of(PreheatEnforcer.VENDOR_TYPE), policy.id(), query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(executions.views(page.items()));
    }

    @GetMapping("/policies/{policyName}/executions/{executionId}")
    ExecutionView execution(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String policyName,
            @PathVariable long executionId) {
        PreheatPolicy policy = policy(request, projectName, policyName, Action.READ);
        Execution e = execution(policy, executionId);
        return ExecutionView.of(e, executions.taskCounts(List.of(e.id())).getOrDefault(e.id(), Map.of()));
    }

    /** Harbor's stop: {@code {"status":"Stopped"}}; any other status is a 400. */
    @PatchMapping("/policies/{policyName}/executions/{executionId}")
    ResponseEntity<Void> stop(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String policyName,
            @PathVariable long executionId,
            @RequestBody JsonNode body) {
        PreheatPolicy policy = policy(request, projectName, policyName, Action.UPDATE);
        Execution e = execution(policy, executionId);
        if (!"Stopped".equals(body.path("status").asString(""))) {
            throw ApiException.badRequest("param status invalid: only \"Stopped\" is accepted");
        }
        executions.stop(e.id());
        return ResponseEntity.ok().build();
    }

    @GetMapping("/policies/{policyName}/executions/{executionId}/tasks")
    ResponseEntity<List<TaskView>> tasks(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String policyName,
            @PathVariable long executionId,
            ListQuery query) {
        PreheatPolicy policy = policy(request, projectName, policyName, Action.LIST);
        execution(policy, executionId);
        Executions.TaskPage page = executions.tasks(executionId, query);
        Map<Long, JsonNode> params = executions.taskParameters(executionId);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.items().stream()
                        .map(t -> view(t, params.get(t.id())))
                        .toList());
    }

    @GetMapping(
            value = "/policies/{policyName}/executions/{executionId}/tasks/{taskId}/logs",
            produces = MediaType.TEXT_PLAIN_VALUE)
    String log(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String policyName,
            @PathVariable long executionId,
            @PathVariable long taskId) {
        PreheatPolicy policy = policy(request, projectName, policyName, Action.READ);
        execution(policy, executionId);
        Task task = executions
                .task(taskId)
                .filter(t -> t.executionId() == executionId)
                .orElseThrow(() -> ApiException.notFound("task " + taskId + " not found in execution " + executionId));
        return executions.log(task.id()).orElse("");
    }

    /** The instances a policy may use, Harbor's {@code ProviderUnderProject}. */
    @GetMapping("/providers")
    List<ProviderUnderProject> providers(HttpServletRequest request, @PathVariable String projectName) {
        permitted(request, projectName, Action.LIST);
        return instances.all().stream()
                .map(i -> new ProviderUnderProject(
                        i.id(), i.vendor() + " " + i.name() + "-" + i.endpoint(), i.enabled(), i.isDefault()))
                .toList();
    }

    record ProviderUnderProject(
            long id,
            String provider,
            boolean enabled,

            @com.fasterxml.jackson.annotation.JsonProperty("default")
            boolean isDefault) {}

    /** Harbor's task with its {@code artifact}, {@code digest} and {@code kind} attributes. */
    private static TaskView view(Task t, JsonNode params) {
        TaskView base = TaskView.of(t);
        Map<String, Object> attrs = new LinkedHashMap<>();
        if (params != null) {
            attrs.put(
                    "artifact",
                    params.path("repository").asString("") + ":"
                            + params.path("tag").asString(""));
            attrs.put("digest", params.path("digest").asString(""));
            attrs.put("kind", params.path("kind").asString("image"));
        }
        return new TaskView(
                base.id(),
                base.executionId(),
                base.status(),
                base.statusMessage(),
                base.runCount(),
                attrs,
                base.creationTime(),
                base.updateTime(),
                base.startTime(),
                base.endTime());
    }

    private Project permitted(HttpServletRequest request, String projectName, Action action) {
        Principal caller = Callers.of(request);
        Project project = guard.readable(caller, projectName, true);
        guard.require(caller, project, Resource.PREHEAT_POLICY, action);
        return project;
    }

    private PreheatPolicy policy(HttpServletRequest request, String projectName, String policyName, Action action) {
        Project project = permitted(request, projectName, action);
        return policies.byName(project.id(), policyName);
    }

    private Execution execution(PreheatPolicy policy, long executionId) {
        return executions
                .execution(executionId)
                .filter(e -> e.vendorId() == policy.id() && e.vendorType().equals(PreheatEnforcer.VENDOR_TYPE))
                .orElseThrow(() -> ApiException.notFound(
                        "project id " + policy.projectId() + ", execution id " + executionId + " not found"));
    }

    private void record(HttpServletRequest request, Project project, AuditLog.Operation operation, String name) {
        audit.record(
                Callers.of(request).name(),
                project.id(),
                operation,
                RESOURCE_TYPE,
                project.name() + "/preheat/" + name);
    }
}
