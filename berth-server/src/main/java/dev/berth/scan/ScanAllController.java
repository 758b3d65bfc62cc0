package dev.berth.scan;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.api.ApiException;
import dev.berth.api.Callers;
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
import dev.berth.job.TaskStatus;
import dev.berth.job.Trigger;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Harbor's scan all: its schedule ({@code /system/scanAll/schedule}), a manual run (a POST with
 * schedule type Manual), stop, and the progress of the latest run ({@code /scans/all/metrics}) and
 * of the latest scheduled one ({@code /scans/schedule/metrics}). System administrators and robots
 * granted the system {@code scan-all} permissions; like Harbor, every one of them answers 412 while
 * no default scanner is registered.
 */
@RestController
class ScanAllController {
    private final Authorizer authorizer;
    private final Executions executions;
    private final Schedules schedules;
    private final Scanners scanners;
    private final ScanReports reports;
    private final AuditLog audit;

    ScanAllController(
            Authorizer authorizer,
            Executions executions,
            Schedules schedules,
            Scanners scanners,
            ScanReports reports,
            AuditLog audit) {
        this.authorizer = authorizer;
        this.executions = executions;
        this.schedules = schedules;
        this.scanners = scanners;
        this.reports = reports;
        this.audit = audit;
    }

    record ScheduleObj(String type, String cron, Instant nextScheduledTime) {}

    /** Harbor's Schedule. */
    record ScheduleView(
            long id,
            String status,
            Instant creationTime,
            Instant updateTime,
            ScheduleObj schedule,
            Map<String, Object> parameters) {}

    /** Harbor's Stats: the progress of one scan all (metrics and trigger absent before any run). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Stats(long total, long completed, Map<String, Long> metrics, boolean ongoing, String trigger) {}

    @GetMapping("/api/v2.0/system/scanAll/schedule")
    ResponseEntity<?> schedule(HttpServletRequest request) {
        require(request, Action.READ);
        return ResponseEntity.ok(
                schedules.get(ScanAllJob.NAME, -1).<Object>map(this::view).orElse(Map.of()));
    }

    @PostMapping("/api/v2.0/system/scanAll/schedule")
    ResponseEntity<Void> create(HttpServletRequest request, @RequestBody(required = false) JsonNode body) {
        Principal caller = require(request, Action.CREATE);
        ScheduleSpec spec = parse(body);
        if (spec.type().equals("None")) {
            return ResponseEntity.created(URI.create("/api/v2.0/system/scanAll/schedule"))
                    .build();
        }
        if (spec.type().equals("Manual")) {
            Optional<Execution> previous = executions.latest(ScanAllJob.NAME, Optional.of(Trigger.MANUAL));
            if (previous.isPresent() && !previous.get().status().isFinal()) {
                throw ApiException.conflict("a previous scan all job already exists, its status is "
                        + previous.get().status().wire());
            }
            long id = executions.run(ScanAllJob.NAME, -1, Trigger.MANUAL, Map.of(), Map.of());
            audit.record(caller.name(), 0, AuditLog.Operation.CREATE, "scan_all", "run " + id);
            return ResponseEntity.created(URI.create("/api/v2.0/system/scanAll/schedule"))
                    .build();
        }
        if (schedules.get(ScanAllJob.NAME, -1).isPresent()) {
            throw ApiException.preconditionFailed("fail to set schedule for scan all as always had one,"
                    + " please delete it firstly then to re-schedule");
        }
        setSchedule(caller, spec);
        return ResponseEntity.created(URI.create("/api/v2.0/system/scanAll/schedule"))
                .build();
    }

    @PutMapping("/api/v2.0/system/scanAll/schedule")
    ResponseEntity<Void> update(HttpServletRequest request, @RequestBody(required = false) JsonNode body) {
        Principal caller = require(request, Action.UPDATE);
        ScheduleSpec spec = parse(body);
        if (spec.type().equals("Manual")) {
            throw ApiException.badRequest("fail to update scan all schedule as wrong schedule type: Manual");
        }
        setSchedule(caller, spec);
        return ResponseEntity.ok().build();
    }

    @PostMapping("/api/v2.0/system/scanAll/stop")
    ResponseEntity<Void> stop(HttpServletRequest request) {
        Principal caller = require(request, Action.STOP);
        Execution latest = executions
                .latest(ScanAllJob.NAME, Optional.empty())
                .orElseThrow(() -> ApiException.badRequest("no scan all job is found currently"));
        executions.stop(latest.id());
        reports.settleStopped(latest.id());
        audit.record(caller.name(), 0, AuditLog.Operation.UPDATE, "scan_all", "stop " + latest.id());
        return ResponseEntity.accepted().build();
    }

    @GetMapping("/api/v2.0/scans/all/metrics")
    Stats metrics(HttpServletRequest request) {
        require(request, Action.READ);
        return stats(executions.latest(ScanAllJob.NAME, Optional.empty()));
    }

    @GetMapping("/api/v2.0/scans/schedule/metrics")
    Stats scheduleMetrics(HttpServletRequest request) {
        require(request, Action.READ);
        return stats(executions.latest(ScanAllJob.NAME, Optional.of(Trigger.SCHEDULE)));
    }

    /**
     * Harbor's metrics of a scan all: its scan tasks by status (the walk that queues them is not
     * counted); ongoing while the execution is not final or not every scan has finished.
     */
    private Stats stats(Optional<Execution> execution) {
        Map<String, Long> metrics = new LinkedHashMap<>();
        if (execution.isEmpty()) {
            return new Stats(0, 0, null, false, null);
        }
        Map<TaskStatus, Long> counts = executions.taskCounts(execution.get().id(), ScanJob.NAME);
        long total = 0;
        long completed = 0;
        for (TaskStatus s : new TaskStatus[] {
            TaskStatus.PENDING, TaskStatus.RUNNING, TaskStatus.SUCCESS, TaskStatus.ERROR, TaskStatus.STOPPED
        }) {
            long n = counts.getOrDefault(s, 0L);
            metrics.put(s.wire(), n);
            total += n;
            if (s.isFinal()) {
                completed += n;
            }
        }
        boolean ongoing = !execution.get().status().isFinal() || total != completed;
        return new Stats(
                total, completed, metrics, ongoing, execution.get().trigger().scheduleType());
    }

    private void setSchedule(Principal caller, ScheduleSpec spec) {
        if (spec.scheduled()) {
            Optional<Schedule> current = schedules.get(ScanAllJob.NAME, -1);
            boolean same = current.map(s -> s.spec().equals(spec)).orElse(false);
            if (!same) {
                schedules.set(ScanAllJob.NAME, -1, spec, Map.of());
            }
        } else {
            schedules.delete(ScanAllJob.NAME, -1);
        }
        audit.record(
                caller.name(), 0, AuditLog.Operation.UPDATE, "scan_all", "schedule " + spec.type() + " " + spec.cron());
    }

    private static ScheduleSpec parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("a JSON object with a schedule is required");
        }
        JsonNode schedule = body.path("schedule");
        if (!schedule.isObject()) {
            throw ApiException.badRequest("schedule is required");
        }
        try {
            return new ScheduleSpec(
                    schedule.path("type").asString(null), schedule.path("cron").asString(""));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid cron string for scheduled scan all: " + e.getMessage());
        }
    }

    private ScheduleView view(Schedule s) {
        return new ScheduleView(
                s.id(),
                "",
                s.creationTime(),
                s.updateTime(),
                new ScheduleObj(s.spec().type(), s.spec().cron(), s.nextFire()),
                s.parameters());
    }

    private Principal require(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.SCAN_ALL, action)) {
            throw Callers.denied(caller);
        }
        if (scanners.defaultScanner().isEmpty()) {
            throw ApiException.preconditionFailed("no scanner is configured, it's not possible to scan");
        }
        return caller;
    }
}
