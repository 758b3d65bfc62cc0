package dev.berth.replication;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.job.Execution;
import dev.berth.job.Task;
import dev.berth.job.TaskStatus;
import dev.berth.job.Trigger;
import java.time.Instant;
import java.util.Collection;

/** Harbor's {@code ReplicationExecution} and {@code ReplicationTask}, with Harbor's older status words. */
final class ExecutionViews {
    private ExecutionViews() {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ExecutionView(
            long id,
            long policyId,
            String status,
            String trigger,
            Instant startTime,
            Instant endTime,
            @JsonInclude(JsonInclude.Include.ALWAYS) String statusText,
            int total,
            int failed,
            int succeed,
            int inProgress,
            int stopped) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TaskView(
            long id,
            long executionId,
            String status,
            String jobId,
            String operation,
            String resourceType,
            String srcResource,
            String dstResource,
            Instant startTime,
            Instant endTime) {}

    /** The execution with the counts of its copy tasks (the planning task is not one of them). */
    static ExecutionView execution(Execution e, Collection<Task> copies) {
        int failed = 0;
        int succeed = 0;
        int inProgress = 0;
        int stopped = 0;
        for (Task t : copies) {
            switch (t.status()) {
                case ERROR -> failed++;
                case SUCCESS -> succeed++;
                case STOPPED -> stopped++;
                case PENDING, RUNNING -> inProgress++;
            }
        }
        return new ExecutionView(
                e.id(),
                e.vendorId(),
                status(e.status()),
                trigger(e.trigger()),
                e.startTime(),
                e.endTime().orElse(null),
                e.statusMessage() == null ? "" : e.statusMessage(),
                copies.size(),
                failed,
                succeed,
                inProgress,
                stopped);
    }

    static TaskView task(Task t, ReplicationTaskRecords.Resource r) {
        return new TaskView(
                t.id(),
                t.executionId(),
                taskStatus(t.status()),
                String.valueOf(t.id()),
                r.operation(),
                r.resourceType(),
                r.srcResource(),
                r.dstResource(),
                t.startTime().orElse(null),
                t.endTime().orElse(null));
    }

    /** Harbor's execution words: InProgress, Succeed, Failed, Stopped. */
    static String status(TaskStatus s) {
        return switch (s) {
            case PENDING, RUNNING -> "InProgress";
            case SUCCESS -> "Succeed";
            case ERROR -> "Failed";
            case STOPPED -> "Stopped";
        };
    }

    /** Harbor's task words: Pending and Stopped as the job service says them, the rest as executions. */
    static String taskStatus(TaskStatus s) {
        return switch (s) {
            case PENDING -> "Pending";
            case RUNNING -> "InProgress";
            case SUCCESS -> "Succeed";
            case ERROR -> "Failed";
            case STOPPED -> "Stopped";
        };
    }

    static String trigger(Trigger t) {
        return switch (t) {
            case MANUAL -> "manual";
            case SCHEDULE -> "scheduled";
            case EVENT -> "event_based";
        };
    }

    /** The stored status for one of Harbor's words (either spelling). */
    static String storedStatus(String wire) {
        return switch (wire) {
            case "InProgress" -> TaskStatus.RUNNING.wire();
            case "Succeed" -> TaskStatus.SUCCESS.wire();
            case "Failed" -> TaskStatus.ERROR.wire();
            default -> wire;
        };
    }

    static String storedTrigger(String wire) {
        return switch (wire) {
            case "manual" -> Trigger.MANUAL.name();
            case "scheduled" -> Trigger.SCHEDULE.name();
            case "event_based" -> Trigger.EVENT.name();
            default -> wire;
        };
    }
}
