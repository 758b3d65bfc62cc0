package dev.berth.job;

import dev.berth.api.FieldType;
import dev.berth.api.ListQuery;
import dev.berth.api.QueryField.Use;
import dev.berth.api.QueryFields;
import dev.berth.api.SqlFilter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Cron schedules of background jobs (GC, scan all, purges, ...), one per vendor type and vendor id.
 * A feature's {@code …/schedule} endpoint stores its {@link ScheduleSpec} here; each due period
 * starts one execution with trigger SCHEDULE, on one replica.
 */
@Service
public class Schedules {
    /** What {@code GET /api/v2.0/schedules} may filter and sort by. */
    static final QueryFields FIELDS = QueryFields.builder()
            .field("id", "s.id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("vendor_type", "s.vendor_type", FieldType.STRING, Use.FILTER, Use.SORT)
            .field("vendor_id", "s.vendor_id", FieldType.LONG, Use.FILTER, Use.SORT)
            .field("update_time", "s.update_time", FieldType.TIME, Use.FILTER, Use.SORT)
            .defaultSort("id")
            .tieBreaker("s.id")
            .build();

    private final ScheduleRecords records;
    private final QueueStates queues;
    private final Clock clock;

    Schedules(ScheduleRecords records, QueueStates queues, Clock clock) {
        this.records = records;
        this.queues = queues;
        this.clock = clock;
    }

    /**
     * Sets the schedule of a vendor's job; Manual and None remove it.
     *
     * @param parameters the parameters every scheduled execution's task gets
     */
    public void set(String vendorType, long vendorId, ScheduleSpec spec, Map<String, Object> parameters) {
        if (!spec.scheduled()) {
            records.delete(vendorType, vendorId);
            return;
        }
        var now = clock.instant();
        records.upsert(vendorType, vendorId, spec, parameters, ScheduleFiring.next(spec, now), now);
    }

    public Optional<Schedule> get(String vendorType, long vendorId) {
        return records.find(vendorType, vendorId);
    }

    public boolean delete(String vendorType, long vendorId) {
        return records.delete(vendorType, vendorId);
    }

    /**
     * Keeps a system job's stored schedule in line with its configured cron (seconds first), for
     * jobs scheduled by a setting rather than through the API: an empty cron removes it. Called on
     * every start; a schedule that already matches keeps its next firing.
     */
    public void keep(String vendorType, String cron) {
        String wanted = cron.trim();
        if (wanted.isEmpty()) {
            delete(vendorType, -1);
        } else if (get(vendorType, -1).map(s -> !s.spec().cron().equals(wanted)).orElse(true)) {
            set(vendorType, -1, new ScheduleSpec("Custom", wanted), Map.of());
        }
    }

    /** Whether all schedules are paused (the SCHEDULER queue paused through the dashboard). */
    public boolean paused() {
        return queues.paused(QueueStates.SCHEDULER);
    }

    /** A page of schedules; the query is checked against {@link #FIELDS}. */
    public Page list(ListQuery query) {
        SqlFilter filter = query.toSql(FIELDS);
        return new Page(records.list(filter), records.count(filter));
    }

    /** A page of schedules and the total across pages. */
    public record Page(List<Schedule> items, long total) {}
}
