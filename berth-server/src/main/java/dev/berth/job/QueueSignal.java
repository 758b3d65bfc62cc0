package dev.berth.job;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/** Wakes this replica's idle workers when it enqueues, instead of waiting for the next poll. */
@Component
class QueueSignal {
    private final Semaphore permits = new Semaphore(0);

    void enqueued() {
        permits.release();
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
