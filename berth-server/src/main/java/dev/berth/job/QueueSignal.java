package dev.berth.job;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Wakes this replica's idle workers when it enqueues, instead of waiting for the next poll. */
@Component
class QueueSignal {
    private final Semaphore permits = new Semaphore(0);

    /**
     * Signals now, or, inside a transaction, once it commits: a worker woken before the commit would
     * not see the task yet and would sleep a whole poll interval.
     */
    void enqueued() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            permits.release();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                permits.release();
            }
        });
    }

    /** Waits for a signal or the poll interval; true if signalled. */
    boolean await(Duration timeout) throws InterruptedException {
        boolean signalled = permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (signalled) {
            permits.drainPermits();
        }
        return signalled;
    }
}
