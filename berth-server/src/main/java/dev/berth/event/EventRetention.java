package dev.berth.event;

import dev.berth.job.JobContext;
import dev.berth.job.JobKind;
import dev.berth.job.Schedules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The job that removes events older than {@code berth.events.retention} (7 days) once every
 * consumer has read them, scheduled daily by {@code berth.events.retention-schedule}. An event a
 * consumer still has to read stays, however old. Deletes in batches; a rerun finds what is left.
 */
@Component
class EventRetention implements JobKind {
    static final String NAME = "PURGE_EVENTS";
    private static final int BATCH = 5_000;

    private final EventRecords records;
    private final EventSettings settings;
    private final Schedules schedules;
    private final Clock clock;

    EventRetention(EventRecords records, EventSettings settings, Schedules schedules, Clock clock) {
        this.records = records;
        this.settings = settings;
        this.schedules = schedules;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration timeout() {
        return Duration.ofHours(6);
    }

    /** Keeps the stored schedule in line with {@code berth.events.retention-schedule} on every start. */
    @EventListener(ApplicationReadyEvent.class)
    void schedule() {
        schedules.keep(NAME, settings.retentionSchedule());
    }

    @Override
    public void run(JobContext context) {
        Instant cutoff = clock.instant().minus(settings.retention());
        context.log("removing events that occurred before " + cutoff + " and every consumer has read");
        long removed = 0;
        int n;
        do {
            context.checkStop();
            n = records.deleteRead(cutoff, BATCH);
            removed += n;
        } while (n == BATCH);
        context.log("removed " + removed + " events");
    }
}
