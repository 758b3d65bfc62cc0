package dev.berth.job;

/** A task as a worker holds it while running: {@code runCount} numbers this attempt. */
record ClaimedTask(
        long id,
        long executionId,
        String jobType,
        String parametersJson,
        int runCount,
        int maxAttempts,
        long timeoutSeconds) {}
