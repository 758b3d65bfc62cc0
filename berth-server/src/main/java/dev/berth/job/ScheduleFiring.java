package dev.berth.job;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires due schedules. Every replica with workers calls {@link #fireDue} each poll interval; the
 * compare-and-set on {@code next_fire} and the execution it starts share one transaction, so each
 * period fires exactly once across replicas. Periods missed while Berth was down or the scheduler
 * was paused fire once, not once each (Harbor coalesces them too).
 */
@Component
class ScheduleFiring {
    private static final Logger log = LoggerFactory.getLogger(ScheduleFiring.class);

    private final ScheduleRecords schedules;
    private final QueueStates queues;
    private final Executions executions;
    private final TransactionTemplate tx;

    ScheduleFiring(ScheduleRecords schedules, QueueStates queues, Executions executions, TransactionTemplate tx) {
        this.schedules = schedules;
        this.queues = queues;
        this.executions = executions;
        this.tx = tx;
    }

    void fireDue(Instant now) {
        if (queues.paused(QueueStates.SCHEDULER)) {
            return;
        }
        for (Schedule schedule : schedules.due(now)) {
            if (!executions.kindNames().contains(schedule.vendorType())) {
                continue; // a kind this replica does not have; a replica that has it fires it
            }
            try {
                fire(schedule, now);
            } catch (RuntimeException e) {
                log.warn(
                        "event=schedule_fire_failed schedule={} vendor_type={} reason=\"{}\"",
                        schedule.id(),
                        schedule.vendorType(),
                        e.toString());
            }
        }
    }

    private void fire(Schedule schedule, Instant now) {
        Instant next = next(schedule.spec(), now);
        Long execution = tx.execute(status -> {
            if (!schedules.advance(schedule.id(), schedule.nextFire(), next)) {
                return null; // another replica fired this period
            }
            Map<String, Object> attrs = new java.util.HashMap<>(schedule.parameters());
            attrs.put("scheduled_time", schedule.nextFire().toString());
            return executions.run(
                    schedule.vendorType(), schedule.vendorId(), Trigger.SCHEDULE, attrs, schedule.parameters());
        });
        if (execution != null) {
            log.info(
                    "event=schedule_fired schedule={} vendor_type={} execution={} next={}",
                    schedule.id(),
                    schedule.vendorType(),
                    execution,
                    next);
        }
    }

    /** The first fire time of {@code spec} strictly after {@code after}. */
    static Instant next(ScheduleSpec spec, Instant after) {
        return spec.expression()
                .map(cron -> cron.next(ZonedDateTime.ofInstant(after, ZoneOffset.UTC)))
                .map(ZonedDateTime::toInstant)
                .orElseThrow(() -> new IllegalArgumentException("not a firing schedule: " + spec.type()));
    }
}
