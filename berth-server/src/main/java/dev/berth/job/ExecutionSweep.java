package dev.berth.job;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Harbor's execution sweeper: of each policy's executions of the vendor types in {@code
 * berth.jobs.retained-executions} (webhook deliveries by default: one execution per event and
 * target, so they pile up fastest), only the newest N finished ones are kept, with their tasks and
 * logs; hourly. Unfinished executions are never removed.
 */
@Component
class ExecutionSweep implements JobKind {
    static final String NAME = "EXECUTION_SWEEP";
    private static final int BATCH = 5_000;

    private final ExecutionRecords executions;
    private final JobSettings settings;
    private final Schedules schedules;

    ExecutionSweep(ExecutionRecords executions, JobSettings settings, Schedules schedules) {
        this.executions = executions;
        this.settings = settings;
        this.schedules = schedules;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Duration timeout() {
        return Duration.ofHours(1);
    }

    @EventListener(ApplicationReadyEvent.class)
    void schedule() {
        schedules.keep(NAME, settings.executionSweepSchedule());
    }

    @Override
    public void run(JobContext context) {
        for (Map.Entry<String, Integer> e : new TreeMap<>(settings.retainedExecutions()).entrySet()) {
            long removed = 0;
            int n;
            do {
                context.checkStop();
                n = executions.sweep(e.getKey(), e.getValue(), BATCH);
                removed += n;
            } while (n == BATCH);
            context.log("kept the newest " + e.getValue() + " finished " + e.getKey()
                    + " executions of each policy; removed " + removed);
        }
    }
}
