package dev.berth.event;

import java.util.List;
import java.util.Set;

/**
 * A reader of the event stream with its own checkpoint (webhook delivery, scan on push, event-based
 * replication, preheat): register one as a Spring bean and the {@link EventDispatcher} hands it the
 * events it wants, in stream order, on whichever replica runs jobs.
 *
 * <p><b>At least once, exactly once into the database.</b> {@link #consume} runs inside the
 * transaction that then moves the consumer's checkpoint past the batch, with the consumer's row
 * locked so no other replica reads for it meanwhile. What it writes to the database (job tasks,
 * result rows) therefore commits exactly once with the checkpoint; if it throws, or the replica
 * dies, nothing of the batch is kept and the batch is handed over again. Work outside the database
 * belongs in job tasks it creates here, not in this method.
 *
 * <p><b>Order.</b> Events come in commit order of their changes: a change made after another
 * committed comes after it. Changes that ran concurrently have no order between them.
 *
 * <p><b>A failing event.</b> After a failed batch the events are handed one at a time; one that
 * keeps failing (five attempts, with a growing pause) is skipped, logged and counted, so it cannot
 * stop the stream for everything behind it.
 *
 * <p>A new consumer starts at the end of the stream: it sees the changes committed after it first
 * ran, not the history before it.
 */
public interface EventConsumer {
    /** Its checkpoint's key: lower case letters, digits and dashes; never change it. */
    String name();

    /** The types it reads; others pass by its checkpoint without being handed to it. */
    Set<EventType> types();

    /** Handles events of {@link #types()}, in stream order, inside the checkpoint's transaction. */
    void consume(List<StoredEvent> events);
}
