package dev.berth.job;

import java.time.Instant;
import java.util.Optional;

/** One queued job of an execution (Harbor's task); {@code id} is the dashboard's job id. */
public record Task(
        long id,
        long executionId,
        String jobType,
        TaskStatus status,
        String statusMessage,
        int runCount,
        int maxAttempts,
        int progress,
        Optional<Instant> startTime,
        Optional<Instant> endTime,
        Instant updateTime) {}
