package dev.berth.job;

import java.time.Duration;

/**
 * A type of job the workers can run, registered as a Spring bean. Its {@link #name()} is the
 * job type of the tasks it runs (Harbor's job names: {@code GARBAGE_COLLECTION}, {@code SCAN_ALL},
 * {@code REPLICATION}, {@code PURGE_AUDIT_LOG}, ...) and of the dashboard's queue.
 *
 * <p><b>Idempotency is the kind's duty.</b> Delivery is at least once: a task whose worker dies
 * (its lease expires), that times out, or that fails is run again, possibly on another replica,
 * after part of its work was done. {@link #run} must therefore be safe to repeat: re-check state
 * under the database's locks before each destructive step, record progress where resuming matters,
 * and treat "already done" as success.
 */
public interface JobKind {
    /** The job type, upper case with underscores. */
    String name();

    /**
     * Does the work. Returning normally is Success; throwing is a failed attempt (retried while
     * attempts remain); {@link JobStoppedException} (from {@link JobContext#checkStop()}) or an
     * interrupt after a stop request is Stopped. The thread is interrupted on stop and timeout.
     */
    void run(JobContext context) throws Exception;

    /** Attempts in all, the first run included. */
    default int maxAttempts() {
        return 3;
    }

    /** A running attempt is interrupted and counted as failed after this long. */
    default Duration timeout() {
        return Duration.ofHours(24);
    }

    /** The wait before the second attempt; it doubles for each further one (capped at an hour). */
    default Duration retryBackoff() {
        return Duration.ofSeconds(10);
    }
}
