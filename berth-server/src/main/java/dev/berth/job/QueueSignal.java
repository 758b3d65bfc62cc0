package dev.berth.job;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wakes this replica's idle workers when it enqueues, instead of waiting for the next poll. Every
 * idle worker wakes on a signal: one event can enqueue many tasks at once (a webhook delivery per
 * policy), and waking only one worker left the others asleep for a whole poll interval.
 */
@Component
class QueueSignal {
    private long generation;

    /**
     * Signals now, or, inside a transaction, once it commits: a worker woken before the commit would
     * not see the task yet and would sleep a whole poll interval.
     */
    void enqueued() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            signal();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                signal();
            }
        });
    }

    private synchronized void signal() {
        generation++;
        notifyAll();
    }

    /** What a worker reads before it looks for work, to pass to {@link #awaitAfter}. */
    synchronized long generation() {
        return generation;
    }

    /**
     * Waits until a signal comes after {@code seen} was read, or the timeout passes; true if
     * signalled. A signal between reading {@code seen} and this call is not missed.
     */
    synchronized boolean awaitAfter(long seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (generation == seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
