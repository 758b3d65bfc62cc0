package dev.berth.job;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** What a running {@link JobKind} sees of its task. */
public interface JobContext {
    long taskId();

    long executionId();

    /** 1 for the first attempt, 2 for the first retry, ... */
    int attempt();

    /** The task's parameters as given when it was enqueued (an empty object when none). */
    JsonNode parameters();

    /** Appends a line to the task's log in the database (readable through the dashboard API). */
    void log(String line);

    /** Appends lines to the task's log in one write, in order; for jobs that log a table at once. */
    default void log(List<String> lines) {
        lines.forEach(this::log);
    }

    /** Throws {@link JobStoppedException} once someone asked to stop this task; call it between steps. */
    void checkStop();

    boolean stopRequested();

    /** Progress in percent, 0 to 100, shown with the task. */
    void progress(int percent);
}
