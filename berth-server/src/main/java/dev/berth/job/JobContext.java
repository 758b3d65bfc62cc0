package dev.berth.job;

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

    /** Throws {@link JobStoppedException} once someone asked to stop this task; call it between steps. */
    void checkStop();

    boolean stopRequested();

    /** Progress in percent, 0 to 100, shown with the task. */
    void progress(int percent);
}
