package dev.berth.event;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands the stream to its {@link EventConsumer}s on every replica that runs jobs: one loop per
 * consumer, which takes the consumer's checkpoint row with {@code SKIP LOCKED} (so one replica at a
 * time reads for it), reads the next batch of events whose transactions have all ended, hands over
 * those of the consumer's types and moves the checkpoint, all in one transaction. A replica that
 * dies mid-batch leaves the checkpoint where it was; the next one reads the batch again.
 *
 * <p>A failed batch is retried one event at a time up to its last event; an event that fails
 * {@code berth.events.max-attempts} times, with a doubling pause between attempts, is passed by,
 * logged and counted, so one bad event cannot stop everything behind it. Failures of the database
 * (lost connections, timeouts, deadlocks) are waited out and never count against an event.
 */
@Component
@ConditionalOnProperty(prefix = "berth.jobs", name = "enabled", havingValue = "true", matchIfMissing = true)
class EventDispatcher implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);
    private static final Duration MAX_PAUSE = Duration.ofMinutes(5);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    private final List<EventConsumer> consumers;
    private final EventRecords records;
    private final EventSettings settings;
    private final StreamSignal signal;
    private final EventMetrics metrics;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean active;
    /** Guards the shared look for work: one query answers every consumer woken by the same commit. */
    private final ReentrantLock workLock = new ReentrantLock();

    private final List<String> names;
    private boolean workChecked;
    /** {@link System#nanoTime()} when the last look for work began, and what it found. */
    private long workCheckedAt;

    private Set<String> withWork = Set.of();

    EventDispatcher(
            List<EventConsumer> consumers,
            EventRecords records,
            EventSettings settings,
            StreamSignal signal,
            EventMetrics metrics,
            TransactionTemplate tx,
            Clock clock) {
        this.consumers = List.copyOf(consumers);
        this.records = records;
        this.settings = settings;
        this.signal = signal;
        this.metrics = metrics;
        this.tx = tx;
        this.clock = clock;
        Set<String> unique = new java.util.HashSet<>();
        for (EventConsumer c : consumers) {
            if (!c.name().matches("[a-z0-9-]{1,63}") || !unique.add(c.name())) {
                throw new IllegalStateException("event consumer names must be unique, lower case: " + c.name());
            }
        }
        this.names = consumers.stream().map(EventConsumer::name).toList();
    }

    /**
     * Whether events wait for the consumer, from a look that began after {@code since}: the loops
     * woken by one commit share one query instead of one each (each sees every event committed
     * before it woke).
     */
    private boolean hasWork(String name, long since) {
        workLock.lock();
        try {
            if (!workChecked || workCheckedAt - since <= 0) {
                long start = System.nanoTime();
                withWork = records.withWork(names);
                workCheckedAt = start;
                workChecked = true;
            }
            return withWork.contains(name);
        } finally {
            workLock.unlock();
        }
    }

    @Override
    public synchronized void start() {
        active = true;
        for (EventConsumer consumer : consumers) {
            records.register(consumer.name(), clock.instant());
            Semaphore wake = signal.register();
            threads.add(Thread.ofVirtual()
                    .name("event-consumer-" + consumer.name())
                    .start(() -> new Loop(consumer, wake).run()));
        }
        log.info(
                "event=event_dispatch_started consumers={}",
                consumers.stream().map(EventConsumer::name).toList());
    }

    @Override
    public synchronized void stop() {
        active = false;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(SHUTDOWN_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return active;
    }

    /** One consumer's loop, with its retry state. */
    private final class Loop {
        private final EventConsumer consumer;
        private final Semaphore wake;
        /** After a failed batch: events are handed one at a time until this id is passed. */
        private long singleUntil = -1;
        /** The first and last event of the batch being handed over (kept when it fails). */
        private long attemptFirst = -1;

        private long attemptLast = -1;
        /** The event that failed last in single mode, and how many times in a row. */
        private long failingId = -1;

        private int failures;

        Loop(EventConsumer consumer, Semaphore wake) {
            this.consumer = consumer;
            this.wake = wake;
        }

        void run() {
            while (active) {
                try {
                    // After a batch that was not full, the next events come with a signal (or the poll).
                    if (!hasWork(consumer.name(), System.nanoTime()) || !dispatch()) {
                        StreamSignal.await(wake, settings.pollInterval());
                    }
                } catch (InterruptedException e) {
                    if (!active) {
                        return;
                    }
                } catch (ConsumerFailed e) {
                    failed(e.getCause());
                } catch (RuntimeException e) {
                    // The database, not the consumer: nothing counts against an event.
                    if (!active) {
                        return;
                    }
                    log.warn("event=event_dispatch_error consumer={} reason=\"{}\"", consumer.name(), e.toString());
                    pause(settings.pollInterval());
                }
            }
        }

        /**
         * Hands over one batch; true when it was full (more may wait), false when it was not, or
         * there was nothing to hand over (or another replica holds it).
         */
        private boolean dispatch() {
            int limit = singleUntil >= 0 ? 1 : settings.batchSize();
            int[] read = {0};
            Optional<Long> last = tx.execute(status -> {
                Optional<EventRecords.Checkpoint> checkpoint = records.lock(consumer.name());
                if (checkpoint.isEmpty()) {
                    return Optional.<Long>empty();
                }
                EventRecords.Batch batch = records.after(checkpoint.get(), limit);
                if (batch.isEmpty()) {
                    return Optional.<Long>empty();
                }
                read[0] = batch.events().size();
                attemptFirst = batch.events().getFirst().id();
                attemptLast = batch.lastId();
                List<StoredEvent> wanted = batch.events().stream()
                        .filter(e -> consumer.types().contains(e.type()))
                        .toList();
                if (!wanted.isEmpty()) {
                    try {
                        consumer.consume(wanted);
                    } catch (TransientDataAccessException
                            | RecoverableDataAccessException
                            | DataAccessResourceFailureException e) {
                        throw e; // the database, not the event
                    } catch (RuntimeException e) {
                        throw new ConsumerFailed(e);
                    }
                }
                records.advance(consumer.name(), batch.lastTxid(), batch.lastId(), wanted.size(), 0, clock.instant());
                Instant now = clock.instant();
                wanted.forEach(e -> metrics.delay(consumer.name(), Duration.between(e.occurredAt(), now)));
                metrics.handed(consumer.name(), wanted.size(), 0);
                return Optional.of(batch.lastId());
            });
            if (last.isEmpty()) {
                return false;
            }
            boolean full = read[0] >= limit;
            if (singleUntil >= 0 && last.get() >= singleUntil) {
                singleUntil = -1;
                return true; // back to batches: look again at once
            }
            return full;
        }

        private void failed(Throwable e) {
            if (singleUntil < 0 && attemptLast > attemptFirst) {
                // The batch as a whole failed: find the event that fails, one at a time.
                singleUntil = attemptLast;
                log.warn("event=event_batch_failed consumer={} reason=\"{}\"", consumer.name(), e.toString());
                return;
            }
            if (failingId != attemptFirst) {
                failingId = attemptFirst;
                failures = 0;
            }
            failures++;
            log.warn(
                    "event=event_failed consumer={} event={} attempt={} reason=\"{}\"",
                    consumer.name(),
                    failingId,
                    failures,
                    e.toString());
            if (failures >= settings.maxAttempts()) {
                skip(failingId);
                failingId = -1;
                return;
            }
            Duration pause = settings.retryBackoff().multipliedBy(1L << Math.min(failures - 1, 20));
            pause(pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause);
        }

        /** Passes the event by, if it is still the next one past the checkpoint. */
        private void skip(long eventId) {
            Boolean skipped = tx.execute(status -> records.lock(consumer.name())
                    .map(cp -> records.after(cp, 1))
                    .filter(b -> !b.isEmpty() && b.lastId() == eventId)
                    .map(b -> {
                        records.advance(consumer.name(), b.lastTxid(), b.lastId(), 0, 1, clock.instant());
                        return true;
                    })
                    .orElse(false));
            if (Boolean.TRUE.equals(skipped)) {
                metrics.handed(consumer.name(), 0, 1);
                log.error(
                        "event=event_skipped consumer={} event={} attempts={}",
                        consumer.name(),
                        eventId,
                        settings.maxAttempts());
            }
        }

        private void pause(Duration d) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A consumer threw: the batch rolls back and counts against its events. */
    private static final class ConsumerFailed extends RuntimeException {
        ConsumerFailed(RuntimeException cause) {
            super(cause);
        }
    }
}
