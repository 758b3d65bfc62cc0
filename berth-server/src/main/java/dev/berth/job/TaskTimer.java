package dev.berth.job;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Harbor's {@code harbor_jobservice_task_process_time_seconds{type,status}}: how long each attempt
 * ran on this replica's workers, by job type and how it ended.
 */
@Component
class TaskTimer {
    private final MeterRegistry registry;

    TaskTimer(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String jobType, Throwable failure, boolean stopRequested, Duration took) {
        String status;
        if (failure == null) {
            status = TaskStatus.SUCCESS.wire();
        } else if (failure instanceof JobStoppedException
                || (stopRequested && failure instanceof InterruptedException)) {
            status = TaskStatus.STOPPED.wire();
        } else {
            status = TaskStatus.ERROR.wire();
        }
        Timer.builder("harbor.jobservice.task.process.time")
                .description("Time a job attempt ran, by type and outcome")
                .tags("type", jobType, "status", status)
                .register(registry)
                .record(took);
    }
}
