package dev.berth.job;

/** Thrown by {@link JobContext#checkStop()}: the task was asked to stop and ends as Stopped. */
public class JobStoppedException extends RuntimeException {
    public JobStoppedException() {
        super("stopped on request", null, false, false);
    }
}
