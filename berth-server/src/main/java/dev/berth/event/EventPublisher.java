package dev.berth.event;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes events into the stream, always inside the transaction that makes the change they describe:
 * an event exists exactly when its change committed. The caller and request id come from
 * {@link EventOrigin#current()}.
 *
 * <p>How a feature adds an event: declare an {@link EventType} and a record for its data, and call
 * {@link #publish} in the transaction of the change. Consumers ({@link EventConsumer}) read it.
 */
@Service
public class EventPublisher {
    private final EventRecords records;
    private final EventSettings settings;
    private final StreamSignal signal;
    private final EventMetrics metrics;
    private final Clock clock;

    EventPublisher(
            EventRecords records, EventSettings settings, StreamSignal signal, EventMetrics metrics, Clock clock) {
        this.records = records;
        this.settings = settings;
        this.signal = signal;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** An event to write with others in one statement ({@link #publishAll}). */
    public record NewEvent(EventType type, long projectId, Instant occurredAt, EventOrigin origin, Object data) {}

    /**
     * Writes one event now, by the current origin.
     *
     * @param projectId the project the change belongs to, 0 for none
     * @param data the type's data record, stored as JSON
     * @throws IllegalStateException outside a transaction: an event must commit with its change
     */
    public void publish(EventType type, long projectId, Object data) {
        publishAll(List.of(new NewEvent(type, projectId, clock.instant(), EventOrigin.current(), data)));
    }

    /** Writes events in one statement, in list order (for batches such as pulls). */
    public void publishAll(List<NewEvent> events) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("events are written inside the transaction of their change");
        }
        if (!settings.enabled() || events.isEmpty()) {
            return;
        }
        records.insert(events.stream()
                .map(e -> new EventRecords.Row(
                        e.type().name(),
                        e.projectId(),
                        e.occurredAt(),
                        e.origin().operator(),
                        e.origin().requestId(),
                        EventJson.MAPPER.writeValueAsString(e.data())))
                .toList());
        wakeConsumersAfterCommit(events);
    }

    /** Once per transaction: consumers on this replica look at the stream as soon as it commits. */
    private void wakeConsumersAfterCommit(List<NewEvent> events) {
        AfterCommit pending = (AfterCommit) TransactionSynchronizationManager.getResource(AfterCommit.class);
        if (pending == null) {
            pending = new AfterCommit();
            TransactionSynchronizationManager.bindResource(AfterCommit.class, pending);
            TransactionSynchronizationManager.registerSynchronization(pending);
        }
        for (NewEvent e : events) {
            pending.types.add(e.type());
        }
    }

    /** The types a transaction wrote, counted and signalled when it commits. */
    private final class AfterCommit implements TransactionSynchronization {
        private final List<EventType> types = new ArrayList<>();

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(AfterCommit.class);
            if (status == STATUS_COMMITTED) {
                types.forEach(metrics::published);
                signal.written();
            }
        }
    }
}
