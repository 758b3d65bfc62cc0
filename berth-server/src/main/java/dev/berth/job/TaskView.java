package dev.berth.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/** Harbor's {@code Task} as its API returns it with an execution's tasks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskView(
        long id,
        long executionId,
        String status,
        String statusMessage,
        int runCount,
        Map<String, Object> extraAttrs,
        Instant creationTime,
        Instant updateTime,
        Instant startTime,
        Instant endTime) {

    public static TaskView of(Task t) {
        return new TaskView(
                t.id(),
                t.executionId(),
                t.status().wire(),
                t.statusMessage(),
                t.runCount(),
                Map.of(),
                t.startTime().orElse(t.updateTime()),
                t.updateTime(),
                t.startTime().orElse(null),
                t.endTime().orElse(null));
    }
}
