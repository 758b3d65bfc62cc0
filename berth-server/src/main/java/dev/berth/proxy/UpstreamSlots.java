package dev.berth.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Harbor's {@code max_upstream_conn} project setting: at most that many blob transfers from the
 * upstream run at once for the project on this replica. Harbor answers 429 beyond the limit;
 * Berth queues the transfer instead (clients that want the blob wait for it, and the image being
 * cached in the background is not failed for it). Because a blob is fetched once however many
 * clients want it, the limit counts distinct blobs, not clients.
 */
final class UpstreamSlots {
    private final ConcurrentHashMap<Long, Slots> byProject = new ConcurrentHashMap<>();

    private record Slots(int max, Semaphore permits) {}

    /** A held slot; close it to give it back. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** Waits for one of the project's slots; returns at once when the project sets no limit. */
    Slot acquire(ProxyProjects.Target target) throws InterruptedException {
        int max = target.maxUpstreamConnections();
        if (max <= 0) {
            return () -> {};
        }
        Slots slots = byProject.compute(
                target.project().id(),
                (id, known) -> known != null && known.max() == max ? known : new Slots(max, new Semaphore(max, true)));
        slots.permits().acquire();
        return slots.permits()::release;
    }
}
