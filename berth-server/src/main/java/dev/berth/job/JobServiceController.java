package dev.berth.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Harbor's job service dashboard, {@code /api/v2.0/jobservice/…}: system administrators (and granted robots) only. */
@RestController
@RequestMapping("/api/v2.0/jobservice")
class JobServiceController {
    private static final String ALL = "all";

    private final Authorizer authorizer;
    private final WorkerPoolRecords pools;
    private final TaskRecords tasks;
    private final QueueStates queues;
    private final Executions executions;
    private final AuditLog audit;
    private final Clock clock;

    JobServiceController(
            Authorizer authorizer,
            WorkerPoolRecords pools,
            TaskRecords tasks,
            QueueStates queues,
            Executions executions,
            AuditLog audit,
            Clock clock) {
        this.authorizer = authorizer;
        this.pools = pools;
        this.tasks = tasks;
        this.queues = queues;
        this.executions = executions;
        this.audit = audit;
        this.clock = clock;
    }

    record WorkerPoolView(
            long pid, String workerPoolId, Instant startAt, Instant heartbeatAt, int concurrency, String host) {}

    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record WorkerView(
            String id,
            String poolId,
            Optional<String> jobName,
            Optional<String> jobId,
            Optional<Instant> startAt,
            Optional<Instant> checkinAt) {}

    record JobQueueView(String jobType, long count, long latency, boolean paused) {}

    /** Harbor's ActionRequest: only the action is read. */
    record ActionRequest(String action) {}

    @GetMapping("/pools")
    List<WorkerPoolView> pools(HttpServletRequest request) {
        require(request, Action.LIST);
        return pools.all().stream()
                .map(p -> new WorkerPoolView(p.pid(), p.id(), p.startAt(), p.heartbeatAt(), p.concurrency(), p.host()))
                .toList();
    }

    @GetMapping("/pools/{poolId}/workers")
    List<WorkerView> workers(HttpServletRequest request, @PathVariable String poolId) {
        require(request, Action.LIST);
        List<WorkerPoolRecords.Pool> selected = ALL.equalsIgnoreCase(poolId)
                ? pools.all()
                : List.of(pools.find(poolId).orElseThrow(() -> ApiException.notFound("worker pool not found")));
        Map<String, TaskRecords.Held> byWorker = tasks.running().stream()
                .collect(Collectors.toMap(TaskRecords.Held::workerId, Function.identity(), (a, b) -> a));
        List<WorkerView> workers = new ArrayList<>();
        for (WorkerPoolRecords.Pool pool : selected) {
            for (int i = 0; i < pool.concurrency(); i++) {
                String id = pool.id() + "#" + i;
                Optional<TaskRecords.Held> held = Optional.ofNullable(byWorker.get(id));
                workers.add(new WorkerView(
                        id,
                        pool.id(),
                        held.map(TaskRecords.Held::jobType),
                        held.map(h -> Long.toString(h.taskId())),
                        held.map(TaskRecords.Held::startTime),
                        held.map(TaskRecords.Held::updateTime)));
            }
        }
        return workers;
    }

    @PutMapping("/jobs/{jobId}")
    void stopJob(HttpServletRequest request, @PathVariable String jobId) {
        Principal caller = require(request, Action.STOP);
        if (ALL.equalsIgnoreCase(jobId)) {
            executions.stopAllRunning();
        } else if (!executions.stopTask(taskId(jobId))) {
            throw ApiException.notFound("job not found");
        }
        audit.record(caller.name(), 0, AuditLog.Operation.UPDATE, "job", "stop " + jobId);
    }

    @GetMapping(value = "/jobs/{jobId}/log", produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> log(HttpServletRequest request, @PathVariable String jobId) {
        require(request, Action.LIST);
        String log = executions.log(taskId(jobId)).orElseThrow(() -> ApiException.notFound("job not found"));
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(log);
    }

    @GetMapping("/queues")
    List<JobQueueView> queues(HttpServletRequest request) {
        require(request, Action.LIST);
        Instant now = clock.instant();
        Map<String, TaskRecords.PendingQueue> pending = tasks.pending().stream()
                .collect(Collectors.toMap(TaskRecords.PendingQueue::jobType, Function.identity()));
        Map<String, Boolean> paused = queues.all();
        List<JobQueueView> views = new ArrayList<>();
        for (String type : knownTypes(pending.keySet())) {
            Optional<TaskRecords.PendingQueue> q = Optional.ofNullable(pending.get(type));
            long latency = q.map(
                            p -> Math.max(0, Duration.between(p.oldest(), now).toSeconds()))
                    .orElse(0L);
            views.add(new JobQueueView(
                    type,
                    q.map(TaskRecords.PendingQueue::count).orElse(0L),
                    latency,
                    paused.getOrDefault(type, false)));
        }
        return views;
    }

    /** Stop (the pending jobs), pause or resume one queue, or every queue with {@code all}. */
    @PutMapping("/queues/{jobType}")
    void queueAction(HttpServletRequest request, @PathVariable String jobType, @RequestBody ActionRequest body) {
        Principal caller = require(request, Action.STOP);
        String action =
                body == null || body.action() == null ? "" : body.action().toLowerCase(Locale.ROOT);
        if (!List.of("stop", "pause", "resume").contains(action)) {
            throw ApiException.badRequest("the action must be stop, pause or resume");
        }
        String type = jobType.toUpperCase(Locale.ROOT);
        boolean all = ALL.equalsIgnoreCase(jobType);
        TreeSet<String> known = knownTypes(
                tasks.pending().stream().map(TaskRecords.PendingQueue::jobType).toList());
        if (!all && !known.contains(type)) {
            throw ApiException.notFound("job queue not found");
        }
        List<String> targets = all ? List.copyOf(known) : List.of(type);
        switch (action) {
            case "stop" -> {
                if (all) {
                    executions.stopPending(null);
                } else {
                    executions.stopPending(type);
                }
            }
            case "pause" -> targets.forEach(t -> queues.setPaused(t, true));
            default -> targets.forEach(t -> queues.setPaused(t, false));
        }
        audit.record(caller.name(), 0, AuditLog.Operation.UPDATE, "job_queue", action + " " + (all ? ALL : type));
    }

    /**
     * The job types Harbor v2.14's job service lists ({@code src/jobservice/runtime/bootstrap.go},
     * less the legacy ones it hides), so that scripts watching a queue by name find it even before
     * Berth runs jobs of that type: they show a count of zero.
     */
    static final List<String> HARBOR_JOB_TYPES = List.of(
            "AUDIT_LOGS_GDPR_COMPLIANT",
            "EXECUTION_SWEEP",
            "GARBAGE_COLLECTION",
            "IMAGE_SCAN",
            "P2P_PREHEAT",
            "PURGE_AUDIT_LOG",
            "REPLICATION",
            "RETENTION",
            "SCAN_DATA_EXPORT",
            "SCHEDULER",
            "SLACK",
            "SYSTEM_ARTIFACT_CLEANUP",
            "WEBHOOK");

    /**
     * Harbor's job types, the kinds this replica runs, SCHEDULER (the schedules' queue), and any
     * type with pending tasks.
     */
    private TreeSet<String> knownTypes(java.util.Collection<String> pendingTypes) {
        TreeSet<String> types = new TreeSet<>(executions.kindNames());
        types.addAll(HARBOR_JOB_TYPES);
        types.add(QueueStates.SCHEDULER);
        types.addAll(pendingTypes);
        return types;
    }

    private static long taskId(String jobId) {
        try {
            return Long.parseLong(jobId);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("job not found");
        }
    }

    private Principal require(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.JOBSERVICE_MONITOR, action)) {
            throw Callers.denied(caller);
        }
        return caller;
    }
}
