package dev.berth.retention;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.job.Execution;
import dev.berth.job.Executions;
import dev.berth.job.Task;
import dev.berth.job.TaskStatus;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Harbor's {@code /api/v2.0/retentions}: the policy of a project (create, get, update, delete), its
 * runs (start, with {@code dry_run}; list; stop), each run's per-repository tasks and their logs.
 * Permissions are Harbor's {@code tag-retention} ones in the policy's project (project admins,
 * maintainers and developers; robots granted them). A policy id of a project the caller cannot see
 * is a 404 like a missing one; an execution or task id must belong to the policy (else 404).
 */
@RestController
@RequestMapping("/api/v2.0/retentions")
class RetentionController {
    private static final String RESOURCE_TYPE = "retention";

    private final RetentionPolicies policies;
    private final RetentionRecords records;
    private final Executions executions;
    private final dev.berth.project.ProjectService projects;
    private final ProjectGuard guard;
    private final AuditLog audit;

    RetentionController(
            RetentionPolicies policies,
            RetentionRecords records,
            Executions executions,
            dev.berth.project.ProjectService projects,
            ProjectGuard guard,
            AuditLog audit) {
        this.policies = policies;
        this.records = records;
        this.executions = executions;
        this.projects = projects;
        this.guard = guard;
        this.audit = audit;
    }

    @GetMapping("/metadatas")
    Map<String, Object> metadatas(HttpServletRequest request) {
        Callers.authenticated(request);
        List<Map<String, Object>> templates = new ArrayList<>();
        for (RetentionRule.Template t : RetentionRule.Template.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule_template", t.wire);
            m.put("display_text", t.displayText);
            m.put("action", RetentionRule.ACTION);
            m.put(
                    "params",
                    t.hasParam() ? List.of(Map.of("type", "int", "unit", t.unit, "required", true)) : List.of());
            templates.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("templates", templates);
        body.put(
                "scope_selectors",
                List.of(Map.of(
                        "display_text",
                        "Repositories",
                        "kind",
                        "doublestar",
                        "decorations",
                        List.of("repoMatches", "repoExcludes"))));
        body.put(
                "tag_selectors",
                List.of(
                        Map.of(
                                "display_text",
                                "Tags",
                                "kind",
                                "doublestar",
                                "decorations",
                                List.of("matches", "excludes")),
                        Map.of(
                                "display_text",
                                "Labels",
                                "kind",
                                "label",
                                "decorations",
                                List.of("withLabels", "withoutLabels"))));
        return body;
    }

    @PostMapping({"", "/"})
    ResponseEntity<Void> create(HttpServletRequest request, @RequestBody(required = false) JsonNode body) {
        Principal caller = Callers.of(request);
        RetentionPolicy.Request parsed = RetentionPolicy.parse(body);
        Project project = guard.readable(caller, Long.toString(parsed.projectId()), false);
        guard.require(caller, project, Resource.TAG_RETENTION, Action.CREATE);
        long id = policies.create(project, parsed);
        record(caller, project, AuditLog.Operation.CREATE, id);
        return ResponseEntity.created(URI.create("/api/v2.0/retentions/" + id)).build();
    }

    @GetMapping("/{id}")
    Map<String, Object> get(HttpServletRequest request, @PathVariable long id) {
        return permitted(request, id, Action.READ).policy().view();
    }

    @PutMapping("/{id}")
    ResponseEntity<Void> update(
            HttpServletRequest request, @PathVariable long id, @RequestBody(required = false) JsonNode body) {
        Permitted p = permitted(request, id, Action.UPDATE);
        RetentionPolicy.Request parsed = RetentionPolicy.parse(body);
        if (parsed.projectId() != p.project().id()) {
            throw ApiException.badRequest("a retention policy cannot move to another project");
        }
        policies.update(p.policy(), parsed);
        record(p.caller(), p.project(), AuditLog.Operation.UPDATE, id);
        return ResponseEntity.ok().build();
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(HttpServletRequest request, @PathVariable long id) {
        Permitted p = permitted(request, id, Action.DELETE);
        policies.delete(p.policy(), p.project());
        record(p.caller(), p.project(), AuditLog.Operation.DELETE, id);
        return ResponseEntity.ok().build();
    }

    @PostMapping("/{id}/executions")
    ResponseEntity<Void> start(
            HttpServletRequest request, @PathVariable long id, @RequestBody(required = false) JsonNode body) {
        Permitted p = permitted(request, id, Action.UPDATE);
        JsonNode dryRun = body == null ? null : body.path("dry_run");
        if (body != null && !body.isObject()) {
            throw ApiException.badRequest("body must be {\"dry_run\": true|false}");
        }
        if (dryRun != null && !dryRun.isMissingNode() && !dryRun.isNull() && !dryRun.isBoolean()) {
            throw ApiException.badRequest("dry_run must be true or false");
        }
        boolean dry = dryRun != null && dryRun.asBoolean(false);
        long executionId = policies.start(p.policy(), dry, p.caller().name());
        return ResponseEntity.created(URI.create("/api/v2.0/retentions/" + id + "/executions/" + executionId))
                .build();
    }

    @GetMapping("/{id}/executions")
    ResponseEntity<List<Map<String, Object>>> executions(
            HttpServletRequest request, @PathVariable long id, ListQuery query) {
        Permitted p = permitted(request, id, Action.LIST);
        Executions.Page page =
                executions.list(List.of(RetentionJob.NAME), p.policy().id(), query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.items().stream()
                        .map(RetentionController::executionView)
                        .toList());
    }

    @PatchMapping("/{id}/executions/{eid}")
    ResponseEntity<Void> operate(
            HttpServletRequest request,
            @PathVariable long id,
            @PathVariable long eid,
            @RequestBody(required = false) JsonNode body) {
        if (body == null || !"stop".equals(body.path("action").asString(""))) {
            throw ApiException.badRequest("action should be 'stop'");
        }
        Permitted p = permitted(request, id, Action.UPDATE);
        execution(p.policy(), eid);
        executions.stop(eid);
        return ResponseEntity.ok().build();
    }

    @GetMapping("/{id}/executions/{eid}/tasks")
    ResponseEntity<List<Map<String, Object>>> tasks(
            HttpServletRequest request, @PathVariable long id, @PathVariable long eid, ListQuery query) {
        Permitted p = permitted(request, id, Action.LIST);
        execution(p.policy(), eid);
        long total = records.taskCount(eid);
        List<Map<String, Object>> body = new ArrayList<>();
        for (RetentionRecords.TaskRow row : records.tasks(eid, query.offset(), query.pageSize())) {
            executions.task(row.taskId()).ifPresent(t -> body.add(taskView(t, row)));
        }
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, total))
                .body(body);
    }

    @GetMapping(value = "/{id}/executions/{eid}/tasks/{tid}", produces = MediaType.TEXT_PLAIN_VALUE)
    String log(HttpServletRequest request, @PathVariable long id, @PathVariable long eid, @PathVariable long tid) {
        Permitted p = permitted(request, id, Action.READ);
        execution(p.policy(), eid);
        records.task(eid, tid)
                .orElseThrow(() -> ApiException.notFound("task " + tid + " not found in execution " + eid));
        return executions.log(tid).orElse("");
    }

    private record Permitted(Principal caller, Project project, RetentionPolicy policy) {}

    private Permitted permitted(HttpServletRequest request, long id, Action action) {
        Principal caller = Callers.of(request);
        Optional<RetentionPolicy> policy = policies.find(id);
        Optional<Project> project = policy.flatMap(p -> projects.findById(p.projectId()));
        if (project.isEmpty() || !guard.allows(caller, project.get(), Resource.PROJECT, Action.READ)) {
            throw Callers.hidden(caller, "retention policy " + id);
        }
        guard.require(caller, project.get(), Resource.TAG_RETENTION, action);
        return new Permitted(caller, project.get(), policy.get());
    }

    private Execution execution(RetentionPolicy policy, long executionId) {
        return executions
                .execution(executionId)
                .filter(e -> e.vendorId() == policy.id() && e.vendorType().equals(RetentionJob.NAME))
                .orElseThrow(() ->
                        ApiException.notFound("execution " + executionId + " not found in policy " + policy.id()));
    }

    private static Map<String, Object> executionView(Execution e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", e.id());
        v.put("policy_id", e.vendorId());
        v.put("start_time", e.startTime().toString());
        v.put("end_time", e.endTime().map(Instant::toString).orElse(""));
        v.put("status", e.status().wire());
        v.put("trigger", e.trigger().name());
        v.put("dry_run", Boolean.TRUE.equals(e.extraAttrs().get("dry_run")));
        return v;
    }

    private static Map<String, Object> taskView(Task t, RetentionRecords.TaskRow row) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", t.id());
        v.put("execution_id", t.executionId());
        v.put("repository", row.repository());
        v.put("job_id", Long.toString(t.id()));
        v.put("status", t.status().wire());
        v.put("status_code", statusCode(t.status()));
        v.put("status_revision", t.updateTime().toEpochMilli());
        v.put("start_time", t.startTime().map(Instant::toString).orElse(""));
        v.put("end_time", t.endTime().map(Instant::toString).orElse(""));
        v.put("total", row.total());
        v.put("retained", row.retained());
        return v;
    }

    /** Harbor's job status codes: pending 0, running 2, finished 3. */
    private static int statusCode(TaskStatus status) {
        if (status.isFinal()) {
            return 3;
        }
        return status == TaskStatus.PENDING ? 0 : 2;
    }

    private void record(Principal caller, Project project, AuditLog.Operation operation, long id) {
        audit.record(caller.name(), project.id(), operation, RESOURCE_TYPE, project.name() + "/retentions/" + id);
    }
}
