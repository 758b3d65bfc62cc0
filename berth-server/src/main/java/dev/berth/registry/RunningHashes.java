package dev.berth.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.config.BerthProperties;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The hash state of uploads between their requests, so bytes are hashed once, as they arrive.
 * It is a cache: when the state is missing (another replica took the previous chunk, or the
 * process restarted) the upload is re-hashed from storage once and the cache resumes.
 */
@Component
class RunningHashes {
    record State(MessageDigest hasher, long offset) {}

    private final Cache<UUID, State> states;

    RunningHashes(BerthProperties properties) {
        this.states = Caffeine.newBuilder()
                .expireAfterAccess(properties.registry().uploadHashCacheTtl())
                .maximumSize(100_000)
                .build();
    }

    /** The state for the upload if it has hashed exactly {@code offset} bytes. */
    Optional<MessageDigest> take(UUID upload, long offset) {
        State state = states.asMap().remove(upload);
        return state != null && state.offset() == offset ? Optional.of(state.hasher()) : Optional.empty();
    }

    void put(UUID upload, MessageDigest hasher, long offset) {
        states.put(upload, new State(hasher, offset));
    }

    void forget(UUID upload) {
        states.invalidate(upload);
    }
}
