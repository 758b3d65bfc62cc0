package dev.berth.auditpurge;

import com.fasterxml.jackson.annotation.JsonInclude;
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
import dev.berth.job.Schedule;
import dev.berth.job.ScheduleSpec;
import dev.berth.job.Schedules;
import dev.berth.job.Task;
import dev.berth.job.Trigger;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor's audit-log purge, {@code /api/v2.0/system/purgeaudit}: its history, one run, stopping a
 * run, a run's log, and the schedule (a schedule of type Manual runs it now). System
 * administrators and robots granted system {@code purge-audit} permissions only: anonymous
 * callers get 401, others 403.
 */
@RestController
@RequestMapping("/api/v2.0/system/purgeaudit")
class PurgeAuditController {
    private static final String RESOURCE_TYPE = "purge_audit";

    private final Authorizer authorizer;
    private final Executions executions;
    private final Schedules schedules;
    private final AuditLog audit;
    private final JsonMapper json;

    PurgeAuditController(
            Authorizer authorizer, Executions executions, Schedules schedules, AuditLog audit, JsonMapper json) {
        this.authorizer = authorizer;
        this.executions = executions;
        this.schedules = schedules;
        this.audit = audit;
        this.json = json;
    }

    /** Harbor's {@code ScheduleObj}. */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record ScheduleObj(String type, String cron, Optional<Instant> nextScheduledTime) {}

    /** Harbor's {@code ExecHistory}, for a run and for the schedule. */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record ExecHistory(
            long id,
            String jobName,
            String jobKind,
            String jobParameters,
            ScheduleObj schedule,
            Optional<String> jobStatus,
            boolean deleted,
            Instant creationTime,
            Instant updateTime) {}

    /** Harbor's {@code Schedule} as a request: only the schedule object and the parameters are read. */
    record ScheduleRequest(ScheduleBody schedule, Map<String, Object> parameters) {}

    record ScheduleBody(String type, String cron) {}

    @GetMapping
    ResponseEntity<List<ExecHistory>> history(HttpServletRequest request, ListQuery query) {
        require(request, Action.LIST);
        Executions.Page page = executions.list(AuditLogPurge.NAME, query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.items().stream().map(this::view).toList());
    }

    @GetMapping("/{purgeId:\\d+}")
    ExecHistory get(HttpServletRequest request, @PathVariable long purgeId) {
        require(request, Action.READ);
        return view(execution(purgeId));
    }

    @PutMapping("/{purgeId:\\d+}")
    void stop(HttpServletRequest request, @PathVariable long purgeId) {
        Principal caller = require(request, Action.STOP);
        executions.stop(execution(purgeId).id());
        audit.record(caller.name(), 0, AuditLog.Operation.UPDATE, RESOURCE_TYPE, "stop " + purgeId);
    }

    @GetMapping(value = "/{purgeId:\\d+}/log", produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> log(HttpServletRequest request, @PathVariable long purgeId) {
        require(request, Action.READ);
        Task task = executions.tasks(execution(purgeId).id()).stream()
                .min(Comparator.comparingLong(Task::id))
                .orElseThrow(() -> ApiException.notFound("purge job log not found"));
        String log = executions.log(task.id()).orElseThrow(() -> ApiException.notFound("purge job log not found"));
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(log);
    }

    /** The schedule; {@code {}} when there is none, as in Harbor. */
    @GetMapping("/schedule")
    Object schedule(HttpServletRequest request) {
        require(request, Action.READ);
        return schedules.get(AuditLogPurge.NAME, -1).<Object>map(this::view).orElse(Map.of());
    }

    /** Sets the schedule (201), or with type Manual starts a run now (201 with its Location). */
    @PostMapping("/schedule")
    ResponseEntity<Void> create(HttpServletRequest request, @RequestBody(required = false) ScheduleRequest body) {
        Principal caller = require(request, Action.CREATE);
        ScheduleSpec spec = spec(body);
        if (spec.type().equals("Manual")) {
            PurgePolicy policy = policy(body);
            long id = executions.run(
                    AuditLogPurge.NAME, -1, Trigger.MANUAL, policy.toParameters(), policy.toParameters());
            audit.record(caller.name(), 0, AuditLog.Operation.CREATE, RESOURCE_TYPE, "run " + id + describe(policy));
            return ResponseEntity.created(URI.create("/api/v2.0/system/purgeaudit/" + id))
                    .build();
        }
        setSchedule(caller, spec, body);
        return ResponseEntity.status(201).build();
    }

    /** Changes the schedule (200); None removes it, Manual is refused as in Harbor. */
    @PutMapping("/schedule")
    void update(HttpServletRequest request, @RequestBody(required = false) ScheduleRequest body) {
        Principal caller = require(request, Action.UPDATE);
        ScheduleSpec spec = spec(body);
        if (spec.type().equals("Manual")) {
            throw ApiException.badRequest("a schedule cannot be of type Manual; POST it to run a purge now");
        }
        setSchedule(caller, spec, body);
    }

    private void setSchedule(Principal caller, ScheduleSpec spec, ScheduleRequest body) {
        if (!spec.scheduled()) {
            schedules.delete(AuditLogPurge.NAME, -1);
            audit.record(caller.name(), 0, AuditLog.Operation.DELETE, RESOURCE_TYPE, "schedule");
            return;
        }
        PurgePolicy policy = policy(body);
        schedules.set(AuditLogPurge.NAME, -1, spec, policy.toParameters());
        audit.record(
                caller.name(),
                0,
                AuditLog.Operation.UPDATE,
                RESOURCE_TYPE,
                "schedule " + spec.type() + " " + spec.cron() + describe(policy));
    }

    private static ScheduleSpec spec(ScheduleRequest body) {
        if (body == null || body.schedule() == null) {
            throw ApiException.badRequest("schedule is required");
        }
        try {
            return new ScheduleSpec(body.schedule().type(), body.schedule().cron());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static PurgePolicy policy(ScheduleRequest body) {
        try {
            return PurgePolicy.from(body.parameters());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static String describe(PurgePolicy policy) {
        return " (retention " + policy.retentionHours() + "h, event types " + String.join(",", policy.eventTypes())
                + (policy.dryRun() ? ", dry run)" : ")");
    }

    /** A purge run; 404 for any other execution, so ids of other jobs are not reachable here. */
    private Execution execution(long id) {
        return executions
                .execution(id)
                .filter(e -> e.vendorType().equals(AuditLogPurge.NAME))
                .orElseThrow(() -> ApiException.notFound("purge job " + id + " not found"));
    }

    private ExecHistory view(Execution e) {
        return new ExecHistory(
                e.id(),
                AuditLogPurge.NAME,
                e.trigger().name(),
                json.writeValueAsString(e.extraAttrs()),
                new ScheduleObj(e.trigger().scheduleType(), null, Optional.empty()),
                Optional.of(e.status().wire()),
                false,
                e.startTime(),
                e.updateTime());
    }

    private ExecHistory view(Schedule s) {
        return new ExecHistory(
                s.id(),
                AuditLogPurge.NAME,
                s.spec().type(),
                json.writeValueAsString(s.parameters()),
                new ScheduleObj(s.spec().type(), s.spec().cron(), Optional.of(s.nextFire())),
                Optional.empty(),
                false,
                s.creationTime(),
                s.updateTime());
    }

    private Principal require(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.PURGE_AUDIT, action)) {
            throw Callers.denied(caller);
        }
        return caller;
    }
}
