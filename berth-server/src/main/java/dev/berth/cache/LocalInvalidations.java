package dev.berth.cache;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** The listeners of this replica, and the after-commit timing every implementation shares. */
class LocalInvalidations implements CacheInvalidations {
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();

    @Override
    public void onInvalidate(String cache, Consumer<String> listener) {
        listeners.computeIfAbsent(cache, c -> new CopyOnWriteArrayList<>()).add(listener);
    }

    @Override
    public void invalidate(String cache, String key) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    deliver(cache, key);
                    announce(cache, key);
                }
            });
        } else {
            announce(cache, key);
        }
    }

    /** Sends the invalidation to the other replicas; nothing to do on a single node. */
    void announce(String cache, String key) {}

    /** Runs this replica's listeners for {@code cache} ({@code null}: every cache). */
    void deliver(String cache, String key) {
        if (cache == null) {
            listeners.values().forEach(list -> list.forEach(l -> l.accept(key)));
            return;
        }
        listeners.getOrDefault(cache, List.of()).forEach(l -> l.accept(key));
    }

    @Override
    public Optional<SharedChannelStatus> status() {
        return Optional.empty();
    }
}
