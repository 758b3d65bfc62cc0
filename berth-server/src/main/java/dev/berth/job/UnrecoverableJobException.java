package dev.berth.job;

/**
 * Thrown by a {@link JobKind} for a failure that another attempt cannot mend (a target the rules
 * refuse, a secret this replica cannot read): the task ends as Error at once, without its retries.
 */
public class UnrecoverableJobException extends RuntimeException {
    public UnrecoverableJobException(String message) {
        super(message);
    }
}
