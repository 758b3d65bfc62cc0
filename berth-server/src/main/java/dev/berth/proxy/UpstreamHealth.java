package dev.berth.proxy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this replica knows about one upstream between requests: until when it asked not to be
 * called ({@code Retry-After} on a 429 or 503; every later call waits it out, serving cached
 * content meanwhile), and the rate-limit figures it last sent (Docker Hub's {@code
 * ratelimit-remaining} / {@code ratelimit-limit}). In memory: a restart forgets it, which costs
 * at most one more upstream call.
 */
final class UpstreamHealth {
    private static final Logger log = LoggerFactory.getLogger(UpstreamHealth.class);

    private final long registryId;
    private final Clock clock;
    private final AtomicReference<Instant> notBefore = new AtomicReference<>(Instant.MIN);
    private final AtomicReference<RateLimit> rateLimit = new AtomicReference<>(RateLimit.UNKNOWN);

    UpstreamHealth(long registryId, Clock clock) {
        this.registryId = registryId;
        this.clock = clock;
    }

    /** The upstream's rate-limit headers as last seen, verbatim (e.g. {@code 97;w=21600}); empty when never sent. */
    record RateLimit(String remaining, String limit, Optional<Instant> seenAt) {
        static final RateLimit UNKNOWN = new RateLimit("", "", Optional.empty());
    }

    Instant now() {
        return clock.instant();
    }

    /** Throws {@link UpstreamUnavailable} while the upstream's {@code Retry-After} has not passed. */
    void requireCallable() {
        Instant until = notBefore.get();
        Instant now = clock.instant();
        if (now.isBefore(until)) {
            throw new UpstreamUnavailable(
                    "the upstream asked not to be called before " + until, Optional.of(Duration.between(now, until)));
        }
    }

    /** Until when upstream calls are held back; {@link Instant#MIN} when they are not. */
    Instant notBefore() {
        return notBefore.get();
    }

    void backOff(Duration wait) {
        if (wait.isZero() || wait.isNegative()) {
            return;
        }
        Instant until = clock.instant().plus(wait);
        notBefore.accumulateAndGet(until, (a, b) -> a.isAfter(b) ? a : b);
        log.info("event=proxy_upstream_backoff registry_id={} until={}", registryId, until);
    }

    void observed(Optional<String> remaining, Optional<String> limit) {
        if (remaining.isPresent() || limit.isPresent()) {
            rateLimit.set(new RateLimit(remaining.orElse(""), limit.orElse(""), Optional.of(clock.instant())));
        }
    }

    RateLimit rateLimit() {
        return rateLimit.get();
    }
}
