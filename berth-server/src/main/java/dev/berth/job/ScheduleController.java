package dev.berth.job;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.api.ListQuery;
import dev.berth.api.Paging;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Harbor's {@code /api/v2.0/schedules}: the list (administrators) and whether schedules are paused. */
@RestController
@RequestMapping("/api/v2.0/schedules")
class ScheduleController {
    private final Authorizer authorizer;
    private final Schedules schedules;

    ScheduleController(Authorizer authorizer, Schedules schedules) {
        this.authorizer = authorizer;
        this.schedules = schedules;
    }

    record ScheduleTaskView(long id, String vendorType, long vendorId, String cron, Instant updateTime) {}

    record SchedulerStatus(boolean paused) {}

    @GetMapping
    ResponseEntity<List<ScheduleTaskView>> list(HttpServletRequest request, ListQuery query) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.JOBSERVICE_MONITOR, Action.LIST)) {
            throw Callers.denied(caller);
        }
        Schedules.Page page = schedules.list(query);
        List<ScheduleTaskView> views = page.items().stream()
                .map(s -> new ScheduleTaskView(
                        s.id(), s.vendorType(), s.vendorId(), s.spec().cron(), s.updateTime()))
                .toList();
        return ResponseEntity.ok()
                .headers(Paging.headers(request, query, page.total()))
                .body(views);
    }

    /** Harbor asks only for an authenticated caller here, and only {@code all} as the job type. */
    @GetMapping("/{jobType}/paused")
    SchedulerStatus paused(HttpServletRequest request, @PathVariable String jobType) {
        Callers.authenticated(request);
        if (!"all".equalsIgnoreCase(jobType)) {
            throw ApiException.badRequest("job_type can only be 'all'");
        }
        return new SchedulerStatus(schedules.paused());
    }
}
