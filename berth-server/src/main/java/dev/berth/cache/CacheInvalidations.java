package dev.berth.cache;

import java.util.Optional;
import java.util.function.Consumer;

/** Announces cache invalidations to the other replicas and hears theirs. */
public interface CacheInvalidations {
    /** The key that stands for a whole cache. */
    String ALL = "*";

    /**
     * Registers what this replica does when another replica invalidates {@code key} (or {@link #ALL})
     * in cache {@code cache}. Also called with {@link #ALL} after a lost connection is restored,
     * since invalidations sent meanwhile were missed.
     */
    void onInvalidate(String cache, Consumer<String> listener);

    /**
     * Tells the other replicas to drop {@code key} from {@code cache}. Inside a transaction this
     * happens after the commit (a replica reloading earlier would cache the old value again), and
     * this replica's listener runs again then too, for the same reason. The caller has already
     * dropped its own entry.
     */
    void invalidate(String cache, String key);

    /** Whether the shared channel works: empty when none is configured. */
    Optional<SharedChannelStatus> status();

    /** @param error why the channel does not work; empty when it does */
    record SharedChannelStatus(String name, Optional<String> error) {}
}
