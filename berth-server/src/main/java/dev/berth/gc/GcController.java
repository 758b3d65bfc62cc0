package dev.berth.gc;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor's {@code /api/v2.0/system/gc}: run history, one run, stop, log, and the schedule. System
 * administrators and robots granted the system {@code garbage-collection} permissions only.
 */
@RestController
@RequestMapping("/api/v2.0/system/gc")
class GcController {
    private final Authorizer authorizer;
    private final Executions executions;
    private final Schedules schedules;
    private final AuditLog audit;
    private final JsonMapper json;

    GcController(Authorizer authorizer, Executions executions, Schedules schedules, AuditLog audit, JsonMapper json) {
        this.authorizer = authorizer;
        this.executions = executions;
        this.schedules = schedules;
        this.audit = audit;
        this.json = json;
    }

    /** Harbor's ScheduleObj. */
    record ScheduleObj(String type, String cron, Instant nextScheduledTime) {}

    /** Harbor's GCHistory; {@code job_parameters} is a JSON string of the parameters and results. */
    record GcHistory(
            long id,
            String jobName,
            String jobKind,
            String jobParameters,
            ScheduleObj schedule,
            String jobStatus,
            boolean deleted,
            Instant creationTime,
            Instant updateTime) {}

    @GetMapping
    ResponseEntity<List<GcHistory>> history(HttpServletRequest request, ListQuery query) {
        require(request, Action.LIST);
        Executions.Page page = executions.list(GarbageCollection.NAME, query);
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(page.items().stream().map(this::view).toList());
    }

    @GetMapping("/{gcId:\\d+}")
    GcHistory get(HttpServletRequest request, @PathVariable long gcId) {
        require(request, Action.READ);
        return view(find(gcId));
    }

    @PutMapping("/{gcId:\\d+}")
    ResponseEntity<Void> stop(HttpServletRequest request, @PathVariable long gcId) {
        Principal caller = require(request, Action.STOP);
        find(gcId);
        executions.stop(gcId);
        audit.record(caller.name(), 0, AuditLog.Operation.UPDATE, "garbage_collection", "stop " + gcId);
        return ResponseEntity.ok().build();
    }

    @GetMapping(value = "/{gcId:\\d+}/log", produces = MediaType.TEXT_PLAIN_VALUE)
    String log(HttpServletRequest request, @PathVariable long gcId) {
        require(request, Action.READ);
        find(gcId);
        return executions.tasks(gcId).stream()
                .map(Task::id)
                .map(id -> executions.log(id).orElse(""))
                .collect(Collectors.joining());
    }

    @GetMapping("/schedule")
    ResponseEntity<?> schedule(HttpServletRequest request) {
        require(request, Action.READ);
        return ResponseEntity.ok(schedules
                .get(GarbageCollection.NAME, -1)
                .<Object>map(this::view)
                .orElse(Map.of()));
    }

    @PostMapping("/schedule")
    ResponseEntity<Void> create(HttpServletRequest request, @RequestBody(required = false) JsonNode body) {
        Principal caller = require(request, Action.CREATE);
        Request parsed = parse(body);
        if (!parsed.spec().scheduled() && parsed.spec().type().equals("Manual")) {
            Map<String, Object> attrs = parsed.parameters().asMap();
            long id = executions.run(GarbageCollection.NAME, -1, Trigger.MANUAL, attrs, attrs);
            audit.record(caller.name(), 0, AuditLog.Operation.CREATE, "garbage_collection", "run " + id);
            return ResponseEntity.created(URI.create("/api/v2.0/system/gc/" + id))
                    .build();
        }
        if (parsed.spec().scheduled()
                && schedules.get(GarbageCollection.NAME, -1).isPresent()) {
            throw ApiException.conflict("a garbage collection schedule exists already; update it with PUT");
        }
        setSchedule(caller, parsed);
        return ResponseEntity.created(URI.create("/api/v2.0/system/gc/schedule"))
                .build();
    }

    @PutMapping("/schedule")
    ResponseEntity<Void> update(HttpServletRequest request, @RequestBody(required = false) JsonNode body) {
        Principal caller = require(request, Action.UPDATE);
        setSchedule(caller, parse(body));
        return ResponseEntity.ok().build();
    }

    private void setSchedule(Principal caller, Request parsed) {
        if (parsed.spec().scheduled()) {
            schedules.set(
                    GarbageCollection.NAME,
                    -1,
                    parsed.spec(),
                    parsed.parameters().asMap());
        } else {
            schedules.delete(GarbageCollection.NAME, -1);
        }
        audit.record(
                caller.name(),
                0,
                AuditLog.Operation.UPDATE,
                "garbage_collection",
                "schedule " + parsed.spec().type() + " " + parsed.spec().cron());
    }

    private record Request(ScheduleSpec spec, GcParameters parameters) {}

    private static Request parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("a JSON object with schedule and parameters is required");
        }
        JsonNode schedule = body.path("schedule");
        if (!schedule.isObject()) {
            throw ApiException.badRequest("schedule is required");
        }
        JsonNode parameters = body.path("parameters");
        if (!parameters.isMissingNode() && !parameters.isNull() && !parameters.isObject()) {
            throw ApiException.badRequest("parameters must be an object");
        }
        try {
            ScheduleSpec spec = new ScheduleSpec(
                    schedule.path("type").asString(null), schedule.path("cron").asString(""));
            return new Request(spec, GcParameters.from(parameters));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private Principal require(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.GARBAGE_COLLECTION, action)) {
            throw Callers.denied(caller);
        }
        return caller;
    }

    private Execution find(long id) {
        return executions
                .execution(id)
                .filter(e -> e.vendorType().equals(GarbageCollection.NAME))
                .orElseThrow(() -> ApiException.notFound("garbage collection " + id + " not found"));
    }

    private GcHistory view(Execution e) {
        Map<String, Object> attrs = new LinkedHashMap<>(e.extraAttrs());
        attrs.remove("scheduled_time");
        ScheduleObj schedule = e.trigger() == Trigger.SCHEDULE
                ? schedules
                        .get(GarbageCollection.NAME, -1)
                        .map(s -> new ScheduleObj(s.spec().type(), s.spec().cron(), s.nextFire()))
                        .orElse(new ScheduleObj("Custom", "", null))
                : new ScheduleObj("Manual", "", null);
        return new GcHistory(
                e.id(),
                GarbageCollection.NAME,
                e.trigger() == Trigger.SCHEDULE ? "SCHEDULE" : "MANUAL",
                json.writeValueAsString(attrs),
                schedule,
                e.status().wire(),
                false,
                e.startTime(),
                e.updateTime());
    }

    /**
     * The schedule as Harbor answers it, a GCHistory (handler/model/gc.go, GCSchedule.ToSwagger):
     * {@code job_kind} is the cron expression and {@code job_parameters} the parameters as JSON text.
     */
    private GcHistory view(Schedule s) {
        return new GcHistory(
                s.id(),
                "",
                s.spec().cron(),
                json.writeValueAsString(s.parameters()),
                new ScheduleObj(s.spec().type(), s.spec().cron(), s.nextFire()),
                "",
                false,
                s.creationTime(),
                s.updateTime());
    }
}
