package dev.berth.job;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A task while a worker runs it: the kind's {@link JobContext}, and the flags the monitor sets. */
final class RunningJob implements JobContext {
    private final ClaimedTask task;
    private final JsonNode parameters;
    private final Thread thread;
    private final Instant deadline;
    private final TaskLogRecords logs;
    private final TaskRecords tasks;
    private final Clock clock;
    private final String workerId;
    private final long startedNanos = System.nanoTime();
    private volatile boolean stopRequested;
    private volatile boolean leaseLost;
    private volatile boolean shuttingDown;
    /** Set by whoever writes the attempt's outcome first: the worker or the monitor (on timeout). */
    private boolean concluded;

    RunningJob(
            ClaimedTask task,
            String workerId,
            JsonNode parameters,
            Thread thread,
            Instant deadline,
            TaskLogRecords logs,
            TaskRecords tasks,
            Clock clock) {
        this.task = task;
        this.workerId = workerId;
        this.parameters = parameters;
        this.thread = thread;
        this.deadline = deadline;
        this.logs = logs;
        this.tasks = tasks;
        this.clock = clock;
    }

    ClaimedTask task() {
        return task;
    }

    String workerId() {
        return workerId;
    }

    long startedNanos() {
        return startedNanos;
    }

    Instant deadline() {
        return deadline;
    }

    @Override
    public long taskId() {
        return task.id();
    }

    @Override
    public long executionId() {
        return task.executionId();
    }

    @Override
    public int attempt() {
        return task.runCount();
    }

    @Override
    public JsonNode parameters() {
        return parameters;
    }

    @Override
    public void log(String line) {
        logs.append(task.id(), clock.instant(), line);
    }

    @Override
    public void log(List<String> lines) {
        logs.append(task.id(), clock.instant(), lines);
    }

    @Override
    public void checkStop() {
        if (stopRequested || leaseLost || shuttingDown) {
            throw new JobStoppedException();
        }
    }

    @Override
    public boolean stopRequested() {
        return stopRequested || leaseLost || shuttingDown;
    }

    @Override
    public void progress(int percent) {
        tasks.progress(task.id(), Math.max(0, Math.min(100, percent)));
    }

    /** Stopping is cooperative: the kind sees it at its next {@link #checkStop()}. */
    void requestStop() {
        stopRequested = true;
    }

    /** Another replica took the task over (our lease expired): this attempt's outcome no longer counts. */
    void loseLease() {
        leaseLost = true;
    }

    /** The replica is stopping: the task goes back to the queue for another replica. */
    void shutDown() {
        shuttingDown = true;
    }

    boolean isStopRequested() {
        return stopRequested;
    }

    boolean isLeaseLost() {
        return leaseLost;
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    /** The worker's claim on writing the outcome; false when the monitor timed the attempt out first. */
    synchronized boolean conclude() {
        if (concluded) {
            return false;
        }
        concluded = true;
        return true;
    }

    /**
     * The monitor's claim on a timed-out attempt: interrupts the kind's thread. Synchronized with
     * {@link #conclude()}, so the worker clears the interrupt only after it was delivered.
     */
    synchronized boolean timeOut() {
        if (concluded) {
            return false;
        }
        concluded = true;
        thread.interrupt();
        return true;
    }
}
