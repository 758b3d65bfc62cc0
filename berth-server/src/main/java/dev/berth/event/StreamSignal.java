package dev.berth.event;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/** Wakes this replica's consumers when it commits events, instead of waiting for their next poll. */
@Component
class StreamSignal {
    private final List<Semaphore> waiters = new CopyOnWriteArrayList<>();

    /** A wake-up handle for one consumer's loop. */
    Semaphore register() {
        Semaphore s = new Semaphore(0);
        waiters.add(s);
        return s;
    }

    void written() {
        waiters.forEach(Semaphore::release);
    }

    /** Waits for a signal on {@code s} or the timeout; true if signalled. */
    static boolean await(Semaphore s, Duration timeout) throws InterruptedException {
        boolean signalled = s.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (signalled) {
            s.drainPermits();
        }
        return signalled;
    }
}
