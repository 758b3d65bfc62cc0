package dev.berth.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * Harbor's {@code Execution} as its API returns it (webhook, replication, retention and preheat
 * executions share the shape).
 *
 * @param trigger Harbor's words: {@code MANUAL}, {@code SCHEDULE}, {@code EVENT}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionView(
        long id,
        String vendorType,
        long vendorId,
        String status,
        String statusMessage,
        Metrics metrics,
        String trigger,
        Map<String, Object> extraAttrs,
        Instant startTime,
        Instant endTime) {

    /** Task counts by status, as Harbor reports them with an execution. */
    public record Metrics(
            long taskCount,
            long successTaskCount,
            long errorTaskCount,
            long pendingTaskCount,
            long runningTaskCount,
            long scheduledTaskCount,
            long stoppedTaskCount) {
        static Metrics of(Map<TaskStatus, Long> counts) {
            long success = counts.getOrDefault(TaskStatus.SUCCESS, 0L);
            long error = counts.getOrDefault(TaskStatus.ERROR, 0L);
            long pending = counts.getOrDefault(TaskStatus.PENDING, 0L);
            long running = counts.getOrDefault(TaskStatus.RUNNING, 0L);
            long stopped = counts.getOrDefault(TaskStatus.STOPPED, 0L);
            return new Metrics(
                    success + error + pending + running + stopped, success, error, pending, running, 0, stopped);
        }
    }

    /** The view of an execution with its task counts (from {@link Executions#taskCounts}). */
    public static ExecutionView of(Execution e, Map<TaskStatus, Long> counts) {
        return new ExecutionView(
                e.id(),
                e.vendorType(),
                e.vendorId(),
                e.status().wire(),
                e.statusMessage(),
                Metrics.of(counts),
                e.trigger().name(),
                e.extraAttrs(),
                e.startTime(),
                e.endTime().orElse(null));
    }
}
