package dev.berth.proxy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * At most one running fetch per key in this replica: the first caller starts the task on its own
 * virtual thread, every caller (the first too) waits for its outcome. Because the fetch does not
 * run on a client's request thread, a client that goes away does not abort it; the bytes are
 * stored for the next pull. The proxy cache runs its manifest fetches through it (a fetch returns
 * once the manifest is verified; storing the image goes on in the background); blobs have their
 * own table, {@link BlobFlights}, whose fetches clients read while they run.
 *
 * <p>A task should check whether its work is already done before calling out: a caller that
 * checked storage just before another fetch finished starts a new one, which then finds the
 * content there.
 */
final class SingleFlight<K, V> {
    private final ConcurrentHashMap<K, CompletableFuture<V>> running = new ConcurrentHashMap<>();

    V run(K key, Supplier<V> task) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> flight = running.putIfAbsent(key, mine);
        if (flight == null) {
            flight = mine;
            Thread.ofVirtual().name("proxy-fetch").start(() -> {
                try {
                    V value = task.get();
                    running.remove(key, mine);
                    mine.complete(value);
                } catch (Throwable t) {
                    running.remove(key, mine);
                    mine.completeExceptionally(t);
                }
            });
        }
        try {
            return flight.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** How many fetches are running now. */
    int size() {
        return running.size();
    }
}
