package dev.berth.proxy;

import java.time.Duration;
import java.util.Optional;

/**
 * The upstream could not answer: unreachable, timing out, resetting, 5xx, 429, or refusing the
 * endpoint's login. A cached copy is served instead when there is one.
 *
 * @see Upstream
 */
final class UpstreamUnavailable extends RuntimeException {
    private final Optional<Duration> retryAfter;

    UpstreamUnavailable(String message, Optional<Duration> retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    UpstreamUnavailable(String message, Throwable cause) {
        super(message, cause);
        this.retryAfter = Optional.empty();
    }

    /** How long the upstream asked us to wait ({@code Retry-After}), if it said. */
    Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
